"""Item 30 of the trust issue: uploaded images are decoded on a bounded pool, under a pixel cap of their kind.

A 40-megapixel reference cost the web process 3–7 s; a character reference is read by a model at a megapixel or
two, so it has a lower cap than a take, and no more than STUDIO_IMAGE_DECODE_WORKERS images are decoded at once.
"""

from __future__ import annotations

import io
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from studio.cast.models import ReferenceImage
from studio.core import images
from studio.renders.models import Take
from tests import factories

from .conftest import takes_url

SIXTEEN_MP_AND_A_ROW = (4000, 4001)


def big_png(size) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (30, 90, 160))  # one colour: 16 MP compress to a few kilobytes
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile("big.png", out.getvalue(), content_type="image/png")


def references_url(character) -> str:
    return f"/api/v1/projects/{character.project_id}/characters/{character.pk}/references/"


def test_a_reference_over_sixteen_megapixels_is_refused_but_the_same_image_is_a_take(board, api):
    # given a 4000×4001 image (16,004,000 pixels) and the default caps
    client = api(board.artist)
    references_before = ReferenceImage.objects.count()

    # when the artist adds it to a character, then uploads it as a take
    as_reference = client.post(references_url(board.maya), {"image": big_png(SIXTEEN_MP_AND_A_ROW)},
                               format="multipart")
    as_take = client.post(takes_url(board.project), {"shot": board.shot.pk, "file": big_png(SIXTEEN_MP_AND_A_ROW)},
                          format="multipart")

    # then the reference is refused for its kind's cap and nothing is stored; the take (cap 40 MP) is made
    assert as_reference.status_code == 400
    assert as_reference.json() == {"image": ["The image is 4000×4001 pixels; the limit is 16 megapixels."]}
    assert ReferenceImage.objects.count() == references_before
    assert as_take.status_code == 201
    assert (as_take.json()["width"], as_take.json()["height"]) == SIXTEEN_MP_AND_A_ROW


@pytest.mark.parametrize(("kind", "variable"), [("reference", "STUDIO_MAX_REFERENCE_PIXELS"),
                                                ("take", "STUDIO_MAX_TAKE_PIXELS")])
def test_each_kinds_cap_is_a_setting_of_its_own(kind, variable, monkeypatch):
    # given the settings read with one kind's cap set in the environment
    import importlib

    from studio import settings as studio_settings

    monkeypatch.setenv(variable, "1234")
    try:
        caps = importlib.reload(studio_settings).STUDIO_IMAGE_PIXEL_CAPS
    finally:
        monkeypatch.delenv(variable)
        importlib.reload(studio_settings)

    # then that kind's cap is the value given, and the others keep their defaults
    defaults = {"take": 40_000_000, "reference": 16_000_000, "input": 16_000_000, "capture": 4096 * 4096,
                "frame": 4096 * 2304}
    assert caps == {**defaults, kind: 1234}


def test_an_upload_that_finds_the_decode_pool_busy_is_a_503_that_stores_nothing(board, api):
    # given one decode thread, a short wait, and that thread's slot taken by a decode in progress
    client = api(board.artist)
    with override_settings(STUDIO_IMAGE_DECODE_WORKERS=1, STUDIO_IMAGE_DECODE_WAIT_S=0.2):
        _, slots = images.decode_pool._current()
        assert slots.acquire(timeout=1)
        try:
            # when an artist uploads a reference
            busy = client.post(references_url(board.maya), {"image": factories.image_upload()}, format="multipart")
        finally:
            slots.release()
        # and again once the pool is free
        again = client.post(references_url(board.maya), {"image": factories.image_upload()}, format="multipart")

    # then the first answer says why and when to come back, and nothing was stored; the second is made
    assert busy.status_code == 503
    assert busy["Retry-After"] == "5"
    assert busy.json() == {"detail": "The studio is busy decoding other uploaded images (waited 0.2 s). Nothing was "
                                     "stored; send the image again in a few seconds."}
    assert again.status_code == 201
    assert ReferenceImage.objects.filter(character=board.maya).count() == 2  # the board's own, and the second


def test_images_are_decoded_on_the_pool_at_most_workers_at_a_time(board):
    # given two decode threads and six uploads sent at once from six request threads
    seen: list[str] = []
    running = {"now": 0, "most": 0}
    lock = threading.Lock()
    real = images._decode_and_reencode

    def watched(*args):
        with lock:
            running["now"] += 1
            running["most"] = max(running["most"], running["now"])
            seen.append(threading.current_thread().name)
        try:
            return real(*args)
        finally:
            with lock:
                running["now"] -= 1

    results = []

    def one_upload():
        results.append(images.clean_image_upload(big_png((1600, 1200)), kind="take", max_bytes=10 * 2**20))

    with override_settings(STUDIO_IMAGE_DECODE_WORKERS=2, STUDIO_IMAGE_DECODE_WAIT_S=60):
        images._decode_and_reencode = watched
        try:
            threads = [threading.Thread(target=one_upload) for _ in range(6)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        finally:
            images._decode_and_reencode = real

    # then all six were decoded, each on a pool thread, never more than two at once
    assert [(r.width, r.height) for r in results] == [(1600, 1200)] * 6
    assert len(seen) == 6
    assert all(name.startswith("image-decode") for name in seen)
    assert running["most"] <= 2


def test_a_capture_keeps_its_own_cap(board, api):
    # given a capture cap of 10,000 pixels
    with override_settings(STUDIO_IMAGE_PIXEL_CAPS={**images.settings.STUDIO_IMAGE_PIXEL_CAPS, "capture": 10_000}):
        # when a 101×100 capture is sent
        response = api(board.artist).post(
            takes_url(board.project, "capture"),
            {"shot": board.shot.pk, "layout_version": 1, "image": factories.image_upload(size=(101, 100)),
             "depth": factories.image_upload(size=(101, 100))}, format="multipart")

    # then it is refused by that cap, and no take is made
    assert response.status_code == 400
    assert response.json() == {"image": ["The image is 101×100 pixels; the limit is 0.01 megapixels."]}
    assert Take.objects.filter(shot=board.shot).count() == 0
