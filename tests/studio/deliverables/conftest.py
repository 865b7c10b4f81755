import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from generation.outputs import mp4_bytes
from studio.renders.models import Take
from studio.renders.services import takes as take_services
from tests import factories


def clip_upload(frames: int = 6, size=(48, 32)) -> SimpleUploadedFile:
    images = [Image.new("RGB", size, (20 * i, 40, 200 - 20 * i)) for i in range(frames)]
    return SimpleUploadedFile("clip.mp4", mp4_bytes(images, 12), content_type="video/mp4")


def uploaded(shot, user=None, name="board.png") -> Take:
    """A drawn frame uploaded as the shot's next take."""
    return take_services.take_upload(actor=user or factories.owner_of(shot.project), shot=shot,
                                     upload=factories.image_upload(name, size=(32, 16)))


def captured(shot) -> Take:
    """A previz capture of the shot: an upload whose source is the 3D layout (what ``take_capture`` stores)."""
    take = uploaded(shot, name="capture.png")
    Take.objects.filter(pk=take.pk).update(source=Take.Source.PREVIZ)
    take.refresh_from_db()
    return take


def api_url(project, *rest) -> str:
    return "/".join([f"/api/v1/projects/{project.pk}", *map(str, rest)]) + "/"


@pytest.fixture
def cut(team):
    """``team`` plus a board of two scenes and three shots: 1A (2 s, Elin speaks), 1B (1.5 s, CU 85 mm),
    2A (4 s, LS)."""
    project = team.project
    team.scene = factories.make_scene(project, location="Lamp room", int_ext="INT", time_of_day="NIGHT")
    team.scene2 = factories.make_scene(project, location="Jetty", int_ext="EXT", time_of_day="DAY")
    team.elin = factories.make_character(project, name="Elin")
    team.shots = [
        factories.make_shot(team.scene, duration=Decimal("2"), description="Elin climbs the stairs.",
                            dialogue="ELIN: Nobody swims here.\nNot at night.", characters=[team.elin.pk]),
        factories.make_shot(team.scene, size="CU", lens_mm=85, duration=Decimal("1.5")),
        factories.make_shot(team.scene2, size="LS", duration=Decimal("4")),
    ]
    return team


def image_of(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))
