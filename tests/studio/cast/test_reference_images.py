"""Reference images of a character: upload, list, delete through the API, and the member-only file routes."""

from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from studio.cast import services
from studio.cast.models import Character, ReferenceImage
from tests import factories
from tests.studio.cast.conftest import (
    IMAGE_DESCRIPTION,
    ORIENTATION,
    RED,
    decoded,
    encode,
    jpeg_with_exif,
    noisy_png,
    png_claiming,
    upload,
)

NOT_AN_IMAGE = "This file is not an image Previz Studio can read (PNG, JPEG or WebP)."


def references_url(character) -> str:
    return f"/api/v1/projects/{character.project_id}/characters/{character.pk}/references/"


def reference_url(reference) -> str:
    return f"{references_url(reference.character)}{reference.pk}/"


def body(reference, *, width: int, height: int, caption: str = "") -> dict:
    project_id = reference.character.project_id
    return {
        "id": reference.pk,
        "url": f"/projects/{project_id}/media/references/{reference.pk}/",
        "thumbnail_url": f"/projects/{project_id}/media/references/{reference.pk}/thumb/",
        "width": width, "height": height, "caption": caption,
    }


def stored(file_field) -> Image.Image:
    with file_field.open("rb") as handle:
        return decoded(handle.read())


def streamed(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def elin(team):
    return factories.make_character(team.project, name="Elin")


# --- Upload -----------------------------------------------------------------


def test_upload_of_a_png_answers_201_with_the_reference(api, team, elin, media_files):
    # given an artist and a 64×48 PNG
    client = api(team.artist)

    # when they upload it with a caption
    response = client.post(references_url(elin), {"image": factories.image_upload("side.png", "PNG", (64, 48)),
                                                   "caption": "  Profile, left  "}, format="multipart")

    # then the answer is the reference, with its member-only URLs
    reference = ReferenceImage.objects.get()
    assert response.status_code == 201
    assert response.json() == body(reference, width=64, height=48, caption="Profile, left")
    assert (reference.character, reference.width, reference.height, reference.caption, reference.uploaded_by) == (
        elin, 64, 48, "Profile, left", team.artist)

    # and the image and its thumbnail are stored under the character's folder
    folder = f"references/{team.project.pk}/{elin.pk}/"
    assert media_files() == sorted([reference.image.name, reference.thumbnail.name])
    assert re.fullmatch(rf"{folder}[0-9a-f]{{32}}\.png", reference.image.name)
    assert re.fullmatch(rf"{folder}thumbs/[0-9a-f]{{32}}\.jpg", reference.thumbnail.name)
    image = stored(reference.image)
    assert (image.format, image.size) == ("PNG", (64, 48))
    assert image.getpixel((0, 0)) == RED
    thumb = stored(reference.thumbnail)
    assert (thumb.format, thumb.size) == ("JPEG", (64, 48))


@pytest.mark.parametrize(("fmt", "name", "extension"), [("JPEG", "photo.jpeg", ".jpg"), ("WEBP", "shot.webp", ".webp")])
def test_upload_of_jpeg_and_webp(api, team, elin, fmt, name, extension):
    # given
    client = api(team.owner)

    # when
    response = client.post(references_url(elin), {"image": factories.image_upload(name, fmt, (30, 50))},
                           format="multipart")

    # then
    reference = ReferenceImage.objects.get()
    assert response.status_code == 201
    assert response.json() == body(reference, width=30, height=50)
    assert reference.image.name.endswith(extension)
    assert (stored(reference.image).format, stored(reference.image).size) == (fmt, (30, 50))


def test_upload_leaves_the_character_version_alone(api, team, elin):
    # given Elin at version 1
    client = api(team.owner)

    # when a reference is added
    client.post(references_url(elin), {"image": factories.image_upload()}, format="multipart")

    # then the character reads with its reference and still at version 1, so no pending edit goes stale
    response = client.get(f"/api/v1/projects/{team.project.pk}/characters/{elin.pk}/")
    reference = ReferenceImage.objects.get()
    assert response.json()["references"] == [body(reference, width=64, height=48)]
    assert (response.json()["version"], response["ETag"]) == (1, '"1"')


def test_the_stored_image_is_re_encoded_without_its_exif(api, team, elin):
    # given a JPEG whose EXIF says where it was taken and with which camera
    data = jpeg_with_exif(size=(40, 20), description="Taken at 59.91N 10.75E")
    assert Image.open(io.BytesIO(data)).getexif()[IMAGE_DESCRIPTION] == "Taken at 59.91N 10.75E"
    client = api(team.owner)

    # when it is uploaded
    response = client.post(references_url(elin), {"image": upload(data, "photo.jpg", "image/jpeg")},
                           format="multipart")

    # then what is stored carries no EXIF at all, in the image or its thumbnail
    assert response.status_code == 201
    reference = ReferenceImage.objects.get()
    for field in (reference.image, reference.thumbnail):
        with field.open("rb") as handle:
            data_out = handle.read()
        assert b"59.91N" not in data_out
        assert b"SecretCam" not in data_out
        assert dict(Image.open(io.BytesIO(data_out)).getexif()) == {}


def test_exif_orientation_is_applied(api, team, elin):
    # given a 40×20 JPEG tagged orientation 6 (to be shown turned 90° clockwise)
    data = jpeg_with_exif(size=(40, 20), orientation=6)
    client = api(team.owner)

    # when it is uploaded
    response = client.post(references_url(elin), {"image": upload(data, "photo.jpg", "image/jpeg")},
                           format="multipart")

    # then it is stored upright: 20×40, with no orientation tag left to turn it twice
    reference = ReferenceImage.objects.get()
    assert response.json() == body(reference, width=20, height=40)
    assert (reference.width, reference.height) == (20, 40)
    image = stored(reference.image)
    assert image.size == (20, 40)
    assert ORIENTATION not in image.getexif()
    assert stored(reference.thumbnail).size == (20, 40)


def test_the_thumbnail_fits_in_320_pixels(api, team, elin):
    # given a 1000×500 image
    client = api(team.owner)

    # when it is uploaded
    response = client.post(references_url(elin), {"image": factories.image_upload(size=(1000, 500))},
                           format="multipart")

    # then the image keeps its size and the thumbnail is 320×160
    reference = ReferenceImage.objects.get()
    assert response.json() == body(reference, width=1000, height=500)
    assert stored(reference.image).size == (1000, 500)
    assert stored(reference.thumbnail).size == (320, 160)


def _padded_png(total: int) -> bytes:
    data = factories.image_bytes()
    return data + b"\0" * (total - len(data))


REFUSALS = [
    pytest.param(lambda: SimpleUploadedFile("notes.txt", b"not a picture at all\n", content_type="text/plain"),
                 {}, {"image": [NOT_AN_IMAGE]}, id="text"),
    pytest.param(lambda: SimpleUploadedFile("fake.png", b"plain text with a .png name", content_type="image/png"),
                 {}, {"image": [NOT_AN_IMAGE]}, id="text named png"),
    pytest.param(lambda: upload(encode(Image.new("RGB", (16, 16), RED), "GIF"), "anim.gif", "image/gif"),
                 {}, {"image": ["GIF images are not accepted; use PNG, JPEG or WebP."]}, id="gif"),
    pytest.param(lambda: SimpleUploadedFile("empty.png", b"", content_type="image/png"),
                 {}, {"image": ["The submitted file is empty."]}, id="empty"),
    pytest.param(lambda: upload(_padded_png(3 * 1024 * 1024 // 2)),
                 {"STUDIO_MAX_REFERENCE_BYTES": 1024 * 1024},
                 {"image": ["The file is 1.5 MB (1,572,864 bytes); the limit is 1 MB."]}, id="too many bytes"),
    pytest.param(lambda: factories.image_upload(size=(101, 100)),
                 {"STUDIO_IMAGE_PIXEL_CAPS": {"reference": 10_000}},
                 {"image": ["The image is 101×100 pixels; the limit is 0.01 megapixels."]}, id="too many pixels"),
    pytest.param(lambda: upload(png_claiming(50_000, 1_000)),
                 {}, {"image": ["The image is 50000×1000 pixels; the limit is 16 megapixels."]},
                 id="header claims 50 megapixels"),
    pytest.param(lambda: upload(png_claiming(100_000, 100_000)),
                 {}, {"image": ["The image has more pixels than the limit of 16 megapixels."]},
                 id="header claims 10 gigapixels"),
    pytest.param(lambda: upload(noisy_png()[:2000]),
                 {}, {"image": ["The image is damaged or truncated."]}, id="truncated png"),
]


@pytest.mark.parametrize(("make_upload", "limits", "errors"), REFUSALS)
def test_a_bad_upload_is_refused_and_leaves_nothing_behind(api, team, elin, settings, snapshot, media_files,
                                                           make_upload, limits, errors):
    # given the limits in force and the project as it is
    for name, value in limits.items():
        setattr(settings, name, value)
    client = api(team.owner)
    before = snapshot()

    # when the file is uploaded
    response = client.post(references_url(elin), {"image": make_upload(), "caption": "x"}, format="multipart")

    # then it is refused with the reason, and neither a row nor a file is left
    assert response.status_code == 400
    assert response.json() == errors
    assert snapshot() == before
    assert media_files() == []


def test_the_default_limits_are_ten_megabytes_and_sixteen_megapixels(settings):
    assert (settings.STUDIO_MAX_REFERENCE_BYTES, settings.STUDIO_IMAGE_PIXEL_CAPS["reference"]) == (
        10 * 1024 * 1024, 16_000_000)


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        pytest.param({}, {"image": ["No file was submitted."]}, id="no file"),
        pytest.param({"image": "a string"},
                     {"image": ["The submitted data was not a file. Check the encoding type on the form."]},
                     id="not a file"),
        pytest.param({"image": "IMAGE", "caption": "x" * 201},
                     {"caption": ["Ensure this field has no more than 200 characters."]}, id="caption too long"),
    ],
)
def test_a_malformed_upload_request_is_refused(api, team, elin, snapshot, media_files, data, errors):
    # given
    client = api(team.owner)
    before = snapshot()
    if data.get("image") == "IMAGE":
        data = {**data, "image": factories.image_upload()}

    # when
    response = client.post(references_url(elin), data, format="multipart")

    # then
    assert response.status_code == 400
    assert response.json() == errors
    assert snapshot() == before
    assert media_files() == []


def test_a_json_upload_is_refused_as_unsupported(api, team, elin, snapshot):
    # given
    client = api(team.owner)
    before = snapshot()

    # when the upload is sent as JSON instead of multipart
    response = client.post(references_url(elin), {"image": "aGVsbG8="}, format="json")

    # then
    assert response.status_code == 415
    assert response.json() == {"detail": 'Unsupported media type "application/json" in request.'}
    assert snapshot() == before


def test_a_character_holds_at_most_the_configured_number_of_references(api, team, elin, settings, snapshot,
                                                                      media_files):
    # given a limit of two references per character, and Elin with two
    settings.STUDIO_MAX_REFERENCES_PER_CHARACTER = 2
    factories.make_reference(elin)
    factories.make_reference(elin)
    client = api(team.owner)
    before, files = snapshot(), media_files()

    # when a third is uploaded
    response = client.post(references_url(elin), {"image": factories.image_upload()}, format="multipart")

    # then it is refused and nothing is added
    assert response.status_code == 400
    assert response.json() == {"image": ["A character can have at most 2 reference images."]}
    assert snapshot() == before
    assert media_files() == files
    assert len(files) == 4


def test_the_reference_limit_counts_per_character(api, team, elin, settings):
    # given a limit of one, reached by Elin
    settings.STUDIO_MAX_REFERENCES_PER_CHARACTER = 1
    factories.make_reference(elin)
    bo = factories.make_character(team.project, name="Bo")

    # when Bo gets his first
    response = api(team.owner).post(references_url(bo), {"image": factories.image_upload()}, format="multipart")

    # then
    assert response.status_code == 201
    assert ReferenceImage.objects.filter(character=bo).count() == 1


def test_deleting_a_reference_frees_a_place_under_the_limit(api, team, elin, settings,
                                                           django_capture_on_commit_callbacks):
    # given a limit of one, reached
    settings.STUDIO_MAX_REFERENCES_PER_CHARACTER = 1
    reference = factories.make_reference(elin)
    client = api(team.owner)

    # when it is deleted and another uploaded
    with django_capture_on_commit_callbacks(execute=True):
        client.delete(reference_url(reference))
    response = client.post(references_url(elin), {"image": factories.image_upload()}, format="multipart")

    # then
    assert response.status_code == 201
    assert list(ReferenceImage.objects.values_list("pk", flat=True)) == [response.json()["id"]]


def test_upload_to_a_character_of_another_project_is_not_found(api, team, snapshot, media_files):
    # given a character of another project whose owner is also on this one
    stranger = factories.make_character(factories.make_project(owner=team.owner), name="Stranger")
    client = api(team.owner)
    before = snapshot()

    # when an image is uploaded to it through this project's URL
    url = f"/api/v1/projects/{team.project.pk}/characters/{stranger.pk}/references/"
    response = client.post(url, {"image": factories.image_upload()}, format="multipart")

    # then
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert snapshot() == before
    assert media_files() == []


# --- Read -------------------------------------------------------------------


def test_list_gives_the_character_references_oldest_first(api, team, elin):
    # given two references of Elin and one of Bo
    first = factories.make_reference(elin, caption="Front")
    second = factories.make_reference(elin, upload=factories.image_upload(size=(10, 20)), caption="Back")
    factories.make_reference(factories.make_character(team.project, name="Bo"))

    # when a viewer lists Elin's
    response = api(team.viewer).get(references_url(elin))

    # then
    assert response.status_code == 200
    assert response.json() == {"count": 2, "next": None, "previous": None, "results": [
        body(first, width=64, height=48, caption="Front"),
        body(second, width=10, height=20, caption="Back"),
    ]}


def test_retrieve_gives_one_reference(api, team, elin):
    # given
    reference = factories.make_reference(elin, caption="Front")

    # when
    response = api(team.viewer).get(reference_url(reference))

    # then
    assert response.status_code == 200
    assert response.json() == body(reference, width=64, height=48, caption="Front")


def test_references_of_another_character_or_project_are_not_found(api, team, elin):
    # given a reference of Bo (same project) and one of a stranger in another project the owner is also on
    bo_ref = factories.make_reference(factories.make_character(team.project, name="Bo"))
    stranger = factories.make_character(factories.make_project(owner=team.owner), name="Stranger")
    stranger_ref = factories.make_reference(stranger)
    client = api(team.owner)

    # when they are read through Elin's URL, and the stranger's list through this project
    answers = [
        client.get(f"{references_url(elin)}{bo_ref.pk}/"),
        client.get(f"{references_url(elin)}{stranger_ref.pk}/"),
        client.get(f"/api/v1/projects/{team.project.pk}/characters/{stranger.pk}/references/"),
    ]

    # then
    assert [a.status_code for a in answers] == [404, 404, 404]
    assert answers[0].json() == {"detail": "Not found."}
    assert answers[2].json() == {"detail": "Not found."}


# --- Delete -----------------------------------------------------------------


def test_delete_removes_the_reference_and_both_its_files(api, team, elin, media_files,
                                                         django_capture_on_commit_callbacks):
    # given two references of Elin
    gone = factories.make_reference(elin)
    kept = factories.make_reference(elin)
    gone_files = [gone.image.name, gone.thumbnail.name]
    kept_files = sorted([kept.image.name, kept.thumbnail.name])
    assert media_files() == sorted(gone_files + kept_files)
    client = api(team.writer)

    # when a writer deletes one
    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(reference_url(gone))

    # then its row and both its files are gone, the other stays, and the character's version is unchanged
    assert response.status_code == 204
    assert response.content == b""
    assert list(ReferenceImage.objects.values_list("pk", flat=True)) == [kept.pk]
    assert media_files() == kept_files
    assert Character.objects.get().version == 1


def test_delete_through_another_character_is_not_found(api, team, elin, snapshot, media_files,
                                                       django_capture_on_commit_callbacks):
    # given a reference of Bo
    bo_ref = factories.make_reference(factories.make_character(team.project, name="Bo"))
    client = api(team.owner)
    before, files = snapshot(), media_files()

    # when it is deleted through Elin's URL
    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(f"{references_url(elin)}{bo_ref.pk}/")

    # then
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert snapshot() == before
    assert media_files() == files


# --- The services directly -----------------------------------------------------


def test_reference_add_refuses_beyond_the_limit_before_reading_the_file(team, elin, settings, snapshot,
                                                                        media_files):
    # given a limit of zero
    settings.STUDIO_MAX_REFERENCES_PER_CHARACTER = 0
    before = snapshot()

    # when even a file that is not an image is added
    with pytest.raises(ValidationError) as caught:
        services.reference_add(actor=team.owner, character=elin, upload=upload(b"junk"))

    # then the limit is what is reported
    assert caught.value.message_dict == {"image": ["A character can have at most 0 reference images."]}
    assert snapshot() == before
    assert media_files() == []


def test_reference_add_refuses_a_caption_over_200_characters_and_writes_no_file(team, elin, snapshot,
                                                                                media_files):
    # given
    before = snapshot()

    # when
    with pytest.raises(ValidationError) as caught:
        services.reference_add(actor=team.owner, character=elin, upload=factories.image_upload(), caption="x" * 201)

    # then
    assert caught.value.message_dict == {"caption": ["Ensure this value has at most 200 characters (it has 201)."]}
    assert snapshot() == before
    assert media_files() == []


# --- The files, for members only ------------------------------------------------


def image_path(reference) -> str:
    return f"/projects/{reference.character.project_id}/media/references/{reference.pk}/"


def test_a_member_gets_the_image_bytes(api, team, elin):
    # given a 64×48 PNG reference
    reference = factories.make_reference(elin, upload=factories.image_upload(size=(64, 48)))

    # when a viewer fetches it
    response = api(team.viewer).get(image_path(reference))

    # then they get the stored PNG, private and not to be sniffed
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, max-age=86400, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"
    data = streamed(response)
    with reference.image.open("rb") as handle:
        assert data == handle.read()
    image = decoded(data)
    assert (image.format, image.size) == ("PNG", (reference.width, reference.height))
    assert image.getpixel((10, 10)) == RED


def test_a_member_gets_the_thumbnail_bytes(api, team, elin):
    # given a 1000×500 reference
    reference = factories.make_reference(elin, upload=factories.image_upload(size=(1000, 500)))

    # when a viewer fetches its thumbnail
    response = api(team.viewer).get(image_path(reference) + "thumb/")

    # then they get the 320×160 JPEG
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    image = decoded(streamed(response))
    assert (image.format, image.size) == ("JPEG", (320, 160))


@pytest.mark.parametrize(("fmt", "content_type"), [("JPEG", "image/jpeg"), ("WEBP", "image/webp")])
def test_the_image_is_served_with_its_own_type(api, team, elin, fmt, content_type):
    # given
    reference = factories.make_reference(elin, upload=factories.image_upload("x", fmt, (30, 50)))

    # when
    response = api(team.reviewer).get(image_path(reference))

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert decoded(streamed(response)).size == (30, 50)


@pytest.mark.parametrize("suffix", ["", "thumb/"])
def test_a_non_member_gets_404_for_the_files(api, team, elin, suffix):
    # given a user who is not on the project
    reference = factories.make_reference(elin)
    outsider = factories.make_user("outsider")

    # when they ask for the image or its thumbnail
    response = api(outsider).get(image_path(reference) + suffix)

    # then the project does not exist, as far as they know
    assert response.status_code == 404
    assert b"\x89PNG" not in response.content


@pytest.mark.parametrize("suffix", ["", "thumb/"])
def test_a_reference_of_another_project_is_not_served_through_this_one(api, team, elin, suffix):
    # given a reference of another project, whose owner is also on this one
    stranger = factories.make_character(factories.make_project(owner=team.owner), name="Stranger")
    stranger_ref = factories.make_reference(stranger)

    # when it is asked for through this project's URL
    response = api(team.owner).get(f"/projects/{team.project.pk}/media/references/{stranger_ref.pk}/{suffix}")

    # then
    assert response.status_code == 404
    # while through its own project it is served
    assert api(team.owner).get(image_path(stranger_ref) + suffix).status_code == 200


@pytest.mark.parametrize("suffix", ["", "thumb/"])
def test_an_anonymous_visitor_is_sent_to_log_in(api, team, elin, suffix):
    # given
    reference = factories.make_reference(elin)
    path = image_path(reference) + suffix

    # when
    response = api(None).get(path)

    # then
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


def test_a_reference_whose_file_is_missing_is_404(api, team, elin):
    # given a reference whose stored image was removed from disk
    reference = factories.make_reference(elin)
    reference.image.storage.delete(reference.image.name)

    # when
    client = api(team.owner)
    response = client.get(image_path(reference))

    # then the image is 404 and its thumbnail still served
    assert response.status_code == 404
    assert client.get(image_path(reference) + "thumb/").status_code == 200


def test_a_deleted_reference_is_no_longer_served(api, team, elin, django_capture_on_commit_callbacks):
    # given a reference that was deleted
    reference = factories.make_reference(elin)
    client = api(team.owner)
    path = image_path(reference)
    assert client.get(path).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.delete(reference_url(reference))

    # then
    assert client.get(path).status_code == 404
    assert client.get(path + "thumb/").status_code == 404
