"""Takes from people: an upload, a previz capture (frame and depth), an animatic (the layout's camera move as an
MP4), and a review decision. Files are checked here, on the server; the browser only renders."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from PIL import Image

from generation import outputs
from studio.core.images import clean_image_upload
from studio.live.events import UserRef
from studio.projects.access import authorize
from studio.projects.permissions import Capability
from studio.shots.models import LayoutVersion, Shot

from .. import events, media
from ..events import TakeData
from ..models import Take, save_version
from . import locks


def next_take_number(shot_id: int) -> int:
    """The shot's next take number (v1, v2, …), counted with the shot locked: numbers are never reused."""
    locks.lock_in_order(shot_id=shot_id)
    return (Take.objects.filter(shot_id=shot_id).aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def take_upload(*, actor, shot: Shot, upload) -> Take:
    """An image or clip made outside the studio (storyboard artists draw too) as the shot's next take."""
    authorize(actor=actor, project=shot.project, capability=Capability.EDIT_SHOTS)
    probe = media.probe_upload(upload)
    take = Take(
        project_id=shot.project_id, shot=shot, number=next_take_number(shot.pk), kind=probe.kind,
        source=Take.Source.UPLOADED, content_type=probe.content_type, width=probe.width, height=probe.height,
        frames=probe.frames, fps=probe.fps, created_by=actor,
        provenance={"uploaded_as": getattr(upload, "name", "")[:200]},
    )
    take.media.save(f"upload.{probe.extension}", probe.content, save=False)
    take.thumbnail.save("thumb.jpg", probe.thumbnail, save=False)
    take.save()
    events.publish(events.TakeCreated(project_id=take.project_id, actor=UserRef.of(actor), take=TakeData.of(take)))
    return take


@transaction.atomic
def take_capture(*, actor, shot: Shot, image, depth, layout_version: int) -> Take:
    """A frame rendered through the shot camera of the 3D layout, with its depth map: a storyboard frame
    made without any model, and the depth a depth-guided job can start from."""
    authorize(actor=actor, project=shot.project, capability=Capability.EDIT_SHOTS)
    limits = {"max_bytes": settings.STUDIO_MAX_TAKE_BYTES, "kind": "capture"}
    colour = clean_image_upload(image, field="image", **limits)
    depth_map = clean_image_upload(depth, field="depth", **limits)
    if (colour.width, colour.height) != (depth_map.width, depth_map.height):
        raise ValidationError({"depth": [f"The depth map is {depth_map.width}×{depth_map.height}; the image is "
                                         f"{colour.width}×{colour.height}. They must match."]})
    saved = LayoutVersion.objects.filter(layout__shot=shot, version=layout_version).first()
    if saved is None:
        raise ValidationError({"layout_version": [f"This shot's layout has no version {layout_version}; save the "
                                                  "layout, then capture."]})
    take = Take(
        project_id=shot.project_id, shot=shot, number=next_take_number(shot.pk), kind=Take.Kind.IMAGE,
        source=Take.Source.PREVIZ, content_type=media.IMAGE_TYPES[colour.extension], width=colour.width,
        height=colour.height, created_by=actor, layout_version=layout_version,
        provenance={"layout_version": layout_version, "camera": saved.data["camera"]},
    )
    take.media.save(f"capture.{colour.extension}", colour.content, save=False)
    take.depth.save(f"depth.{depth_map.extension}", depth_map.content, save=False)
    take.thumbnail.save("thumb.jpg", colour.thumbnail, save=False)
    take.save()
    events.publish(events.TakeCreated(project_id=take.project_id, actor=UserRef.of(actor), take=TakeData.of(take)))
    return take


MAX_ANIMATIC_FRAMES = 480


def take_animatic(*, actor, shot: Shot, frames: list, fps: int, layout_version: int) -> Take:
    """The camera move of the 3D layout, rendered frame by frame in the browser, as an MP4 take (an
    animatic clip, and a first frame for image-to-video). Encoding happens before the transaction."""
    authorize(actor=actor, project=shot.project, capability=Capability.EDIT_SHOTS)
    if not 1 <= len(frames) <= MAX_ANIMATIC_FRAMES:
        raise ValidationError({"frames": [f"Send 1 to {MAX_ANIMATIC_FRAMES} frames (got {len(frames)})."]})
    if not 1 <= fps <= 60:
        raise ValidationError({"fps": ["Frames a second must be between 1 and 60."]})
    limits = {"max_bytes": settings.STUDIO_MAX_REFERENCE_BYTES, "kind": "frame"}
    images = []
    for i, upload in enumerate(frames):
        clean = clean_image_upload(upload, field="frames", **limits)
        with Image.open(clean.content) as image:
            images.append(image.convert("RGB"))
        if images[-1].size != images[0].size:
            raise ValidationError({"frames": [f"Frame {i + 1} is {images[-1].width}×{images[-1].height}; the first is "
                                              f"{images[0].width}×{images[0].height}. They must match."]})
    clip = outputs.mp4_bytes(images, fps)
    return _store_animatic(actor=actor, shot=shot, clip=clip, first=images[0], frames=len(images), fps=fps,
                           layout_version=layout_version)


@transaction.atomic
def _store_animatic(*, actor, shot, clip: bytes, first, frames: int, fps: int, layout_version: int) -> Take:
    if not LayoutVersion.objects.filter(layout__shot=shot, version=layout_version).exists():
        raise ValidationError({"layout_version": [f"This shot's layout has no version {layout_version}; save the "
                                                  "layout, then render the move."]})
    take = Take(
        project_id=shot.project_id, shot=shot, number=next_take_number(shot.pk), kind=Take.Kind.CLIP,
        source=Take.Source.PREVIZ, content_type="video/mp4", width=first.width + first.width % 2,
        height=first.height + first.height % 2, frames=frames, fps=fps, created_by=actor,
        layout_version=layout_version, provenance={"layout_version": layout_version, "animatic": True},
    )
    take.media.save("animatic.mp4", ContentFile(clip), save=False)
    take.thumbnail.save("thumb.jpg", ContentFile(media.thumbnail_jpeg(first)), save=False)
    take.save()
    events.publish(events.TakeCreated(project_id=take.project_id, actor=UserRef.of(actor), take=TakeData.of(take)))
    return take


@transaction.atomic
def take_review(*, actor, take: Take, decision: str) -> Take:
    """Approve or reject a take (or set it back to not reviewed)."""
    authorize(actor=actor, project=take.project, capability=Capability.REVIEW)
    if decision not in Take.Review.values:
        raise ValidationError({"decision": [f"Choose one of: {', '.join(Take.Review.values)}."]})
    take = Take.objects.select_for_update(of=("self",)).select_related("created_by").get(pk=take.pk)
    if take.review != decision:
        take.review = decision
        take.reviewed_by = actor if decision != Take.Review.PENDING else None
        take.reviewed_at = timezone.now() if decision != Take.Review.PENDING else None
        save_version(take, ["review", "reviewed_by", "reviewed_at"])
        events.publish(events.TakeUpdated(project_id=take.project_id, actor=UserRef.of(actor),
                                          take=TakeData.of(take), changed=["review"]))
    return take


@transaction.atomic
def take_pick(*, actor, take: Take, picked: bool = True) -> Take:
    """Pick a take for its shot's storyboard panel and the cut ("Use in storyboard"), or take the pick back. One
    take a shot is picked: picking one unpicks the other. An approved take still comes first
    (``selectors.selected_takes``); the event says which take the shot uses now."""
    from .. import selectors

    authorize(actor=actor, project=take.project, capability=Capability.EDIT_SHOTS)
    locks.lock_in_order(shot_id=take.shot_id)
    take = Take.objects.select_for_update(of=("self",)).select_related("created_by", "reviewed_by").get(pk=take.pk)
    if take.picked == picked:
        return take
    unpicked = None
    if picked:
        previous = Take.objects.select_for_update(of=("self",)).filter(shot_id=take.shot_id, picked=True).first()
        if previous is not None:
            previous.picked = False
            save_version(previous, ["picked"])
            unpicked = previous.pk
    take.picked = picked
    save_version(take, ["picked"])
    selected = selectors.selected_takes(project=take.project, shot_ids=[take.shot_id]).get(take.shot_id)
    events.publish(events.TakePicked(
        project_id=take.project_id, actor=UserRef.of(actor), shot=take.shot_id,
        take=TakeData.of(take) if picked else None, unpicked=unpicked if picked else take.pk,
        selected=selected.pk if selected else None, selected_reason=selectors.selected_reason(selected)))
    return take
