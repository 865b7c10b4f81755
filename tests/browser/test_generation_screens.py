"""Screenshots of generation for people to look at (test-results/*.png; copies in docs/screenshots/): a shot
page with a few takes (one a clip, one uploaded) and a running job, the queue with every section filled, and
the board with thumbnails on its cards. They are also checks: what is shown is asserted before each shot.
Marked screenshots: `make screenshots` runs it (and copies the pictures into docs/screenshots), `make test` does not."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw, ImageFilter
from playwright.sync_api import expect

from studio.renders.models import GenerationJob, Take
from studio.renders.services import jobs as job_services
from studio.renders.services import takes as take_services
from studio.renders.services import worker_protocol
from studio.renders.services.jobs import JobOrder
from tests import factories
from tests.waiting import wait_for

from .conftest import in_thread, screenshot

pytestmark = pytest.mark.screenshots

LONG = 150_000


def storyboard_drawing(width=768, height=322) -> bytes:
    """A charcoal-style sketch of a lighthouse at night: what an uploaded storyboard drawing looks like."""
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):  # sky
        shade = int(26 + 40 * (y / height))
        draw.line([(0, y), (width, y)], fill=(shade, shade + 4, shade + 12))
    draw.polygon([(0, 230), (180, 205), (330, 222), (520, 200), (768, 226), (768, 322), (0, 322)], fill=(12, 14, 18))
    draw.polygon([(470, 214), (488, 92), (516, 92), (534, 214)], fill=(200, 196, 184))
    draw.rectangle([(480, 76), (524, 94)], fill=(70, 72, 78))
    draw.polygon([(500, 84), (140, 30), (150, 118)], fill=(238, 205, 120))
    for i in range(0, width, 7):  # hatching on the sea
        draw.line([(i, 260 + (i % 21)), (i + 18, 252 + (i % 21))], fill=(40, 44, 52), width=1)
    image = image.filter(ImageFilter.GaussianBlur(0.8))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def setup():
    director = factories.make_user("maya_s", display_name="Maya Sørensen")
    artist = factories.make_user("ravi_s", display_name="Ravi Menon")
    reviewer = factories.make_user("lena_s", display_name="Lena Park")
    project = factories.make_project(owner=director, title="The Lighthouse",
                                     style_prompt="moody graphite storyboard, high contrast")
    factories.add_member(project, "artist", artist)
    factories.add_member(project, "reviewer", reviewer)
    factories.make_script(project)
    rock = factories.make_scene(project, location="Skarv Rock", int_ext="EXT", time_of_day="NIGHT",
                                synopsis="The keeper sees a light where no ship should be.")
    lamp = factories.make_scene(project, location="Lamp room", time_of_day="NIGHT")
    elin = factories.make_character(project, name="Elin", appearance_prompt="weathered keeper, grey wool coat",
                                    seed=1207, color="#e0a030")
    tomas = factories.make_character(project, name="Tomas", appearance_prompt="young fisherman, oilskins",
                                     seed=48213, color="#4f9cf7")
    factories.make_reference(elin, caption="Costume")
    shots = [
        factories.make_shot(rock, size="ELS", angle="low", lens_mm=24, description="The lighthouse against the storm."),
        factories.make_shot(rock, size="MCU", lens_mm=85, description="Elin at the rail, eyes on the dark water.",
                            characters=[elin.pk], dialogue="There's someone out there."),
        factories.make_shot(rock, size="MS", angle="over_shoulder", description="Tomas rows toward the rock.",
                            characters=[elin.pk, tomas.pk], movement="dolly_in"),
        factories.make_shot(lamp, size="CU", description="Elin trims the wick.", characters=[elin.pk]),
        factories.make_shot(lamp, size="LS", angle="high", description="The lamp turns; the room strobes."),
    ]
    return director, artist, reviewer, project, shots


def test_screens_of_the_shot_page_the_queue_and_the_board(open_in, generating_studio):
    director, artist, reviewer, project, shots = in_thread(setup)
    hero = shots[1]
    page, errors = open_in(generating_studio, artist, f"/projects/{project.pk}/shots/{hero.pk}/")
    expect(page.locator("[data-shot-page][data-ready]")).to_be_attached()

    # v1: a drawing uploaded through the page
    page.set_input_files("[data-upload-take]", files=[
        {"name": "lighthouse-sketch.png", "mimeType": "image/png", "buffer": storyboard_drawing()}])
    expect(page.locator("article[data-take]:not([hidden])")).to_have_attribute("data-number", "1", timeout=10_000)
    # v2, v3: frames; v4: a clip; and frames on two more shots for the board
    for fields in ({}, {"seed": 77}, {"kind": "clip", "frames": 9, "fps": 8}):
        in_thread(job_services.job_submit, actor=artist, shot=hero, order=JobOrder(**fields))
    in_thread(job_services.job_submit, actor=director, shot=shots[0])
    in_thread(job_services.job_submit, actor=director, shot=shots[3], order=JobOrder(steps=6))
    wait_for(lambda: Take.objects.filter(project=project).count() == 6, timeout=LONG / 1000, what="six takes")
    uploaded = Take.objects.get(shot=hero, number=1)
    in_thread(take_services.take_review, actor=reviewer, take=uploaded, decision="approved")
    rejected = Take.objects.get(shot=hero, number=2)
    in_thread(take_services.take_review, actor=reviewer, take=rejected, decision="rejected")
    page.reload()  # events of writes made here go to this process's channel layer, not the server's
    expect(page.locator("[data-shot-page][data-ready]")).to_be_attached()

    # a long job runs; one waits behind it; one failed on another worker earlier
    long = in_thread(job_services.job_submit, actor=artist, shot=hero, order=JobOrder(steps=150, width=320, height=128))
    wait_for(lambda: GenerationJob.objects.get(pk=long.pk).step >= 3, timeout=LONG / 1000, what="the long job to run")
    in_thread(job_services.job_submit, actor=director, shot=shots[2])
    failed = in_thread(job_services.job_submit, actor=director, shot=shots[4])
    if in_thread(worker_protocol.job_claim, job_id=failed.pk, worker="gpu-box-2"):
        in_thread(worker_protocol.job_fail, job_id=failed.pk, worker="gpu-box-2",
                  error="CUDA out of memory. Tried to allocate 2.25 GiB (GPU 0; 23.65 GiB total capacity).")

    # the shot page: takes newest first (v4 is the clip), the running job with its bar
    expect(page.locator("[data-select-take]")).to_have_count(4, timeout=10_000)
    expect(page.locator("article[data-take]:not([hidden])")).to_have_attribute("data-kind", "clip")
    expect(page.locator("article[data-take]:not([hidden]) video")).to_be_attached()
    expect(page.locator("[data-part='jobs'] [data-job][data-status='running']")).to_have_count(1, timeout=10_000)
    screenshot(page, "shot-page")
    page.click("[data-select-take]:nth-child(4)")
    expect(page.locator("article[data-take]:not([hidden]) [data-review-state]")).to_have_text("Approved")
    page.click("article[data-take]:not([hidden]) [data-animate]")
    expect(page.locator("button[data-kind='clip']")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-take-select]")).to_have_value(str(uploaded.pk))
    page.locator(".gen-body").evaluate("n => n.scrollTo(0, 0)")
    screenshot(page, "shot-page-uploaded-animate")

    # the queue, every section filled
    queue, queue_errors = open_in(generating_studio, director, f"/projects/{project.pk}/queue/")
    expect(queue.locator("[data-queue-page][data-ready]")).to_be_attached()
    expect(queue.locator(f'article[data-job="{long.pk}"]')).to_be_visible()
    expect(queue.locator(".queue-table tr[data-status='queued']")).to_have_count(1)
    expect(queue.locator("a.finished")).to_have_count(5)
    screenshot(queue, "queue-page")

    # the board: thumbnails on the cards, a bar on the running shot
    board, board_errors = open_in(generating_studio, director, f"/projects/{project.pk}/board/")
    expect(board.locator("[data-board][data-ready]")).to_be_attached()
    expect(board.locator("img.take-img")).to_have_count(3)
    expect(board.locator(f'[data-shot="{hero.pk}"] [data-card-progress]')).to_be_visible(timeout=10_000)
    screenshot(board, "board-thumbnails")

    in_thread(job_services.job_cancel, actor=artist, job=GenerationJob.objects.get(pk=long.pk))
    wait_for(lambda: GenerationJob.objects.filter(project=project, status__in=GenerationJob.ACTIVE).count() == 0,
             timeout=LONG / 1000, what="no job left running")
    assert errors == []
    assert queue_errors == []
    assert board_errors == []
