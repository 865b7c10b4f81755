"""Generation in the browser, against a studio with its worker inside (embedded mode) on the tiny models:
an artist generates a frame and watches it arrive, a reviewer approves it live, the board shows the take,
and a running job is canceled from the queue."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from studio.renders.models import GenerationJob, Take
from studio.renders.services import jobs as job_services
from studio.renders.services.jobs import JobOrder
from tests import factories

from .conftest import in_thread, screenshot

LONG = 120_000  # the worker loads torch and the model on its first job; the machine may be busy


def setup_shot():
    director = factories.make_user("theo", display_name="Theo Lindqvist")
    artist = factories.make_user("ravi", display_name="Ravi Menon")
    reviewer = factories.make_user("lena", display_name="Lena Park")
    project = factories.make_project(owner=director, title="The Lighthouse",
                                     style_prompt="moody storyboard, charcoal and ink")
    factories.add_member(project, "artist", artist)
    factories.add_member(project, "reviewer", reviewer)
    factories.make_script(project)
    scene = factories.make_scene(project, location="Lamp room", time_of_day="NIGHT")
    elin = factories.make_character(project, name="Elin", appearance_prompt="weathered keeper, grey wool coat",
                                    seed=1207)
    shot = factories.make_shot(scene, size="MCU", lens_mm=50, description="Elin trims the wick.",
                               characters=[elin.pk])
    return director, artist, reviewer, project, shot


def shot_path(project, shot) -> str:
    return f"/projects/{project.pk}/shots/{shot.pk}/"


def bar_width(page, job_selector="[data-part='jobs'] [data-job-bar]") -> float:
    style = page.locator(job_selector).first.get_attribute("style") or ""
    match = re.search(r"width:\s*([\d.]+)%", style)
    return float(match.group(1)) if match else 0.0


def submit(artist, shot, **fields):
    return in_thread(job_services.job_submit, actor=artist, shot=shot, order=JobOrder(**fields))


def test_an_artist_generates_a_frame_and_a_reviewer_approves_it_live(open_in, generating_studio):
    _director, artist, reviewer, project, shot = in_thread(setup_shot)
    ravi, ravi_errors = open_in(generating_studio, artist, shot_path(project, shot))
    lena, lena_errors = open_in(generating_studio, reviewer, shot_path(project, shot))
    for page in (ravi, lena):
        expect(page.locator("[data-shot-page][data-ready]")).to_be_attached()
        expect(page.locator("[data-connection]")).to_have_attribute("data-state", "open", timeout=5000)
    ravi.evaluate("window.__sameDocument = true")
    lena.evaluate("window.__sameDocument = true")
    # the reviewer has no panel, only the summary
    expect(lena.locator("[data-gen-form]")).to_have_count(0)
    expect(lena.locator(".gen-readonly")).to_be_visible()

    # Ravi sets up a frame on the smoke-test model, with enough steps to watch it
    expect(ravi.locator("#g-model")).to_have_value("sd-tiny")
    expect(ravi.locator("[data-smoke-note]")).to_be_visible()
    expect(ravi.locator("[data-seed-source]")).to_have_text("Elin's seed")
    ravi.fill("#g-steps", "24")
    ravi.click("[data-submit]")

    # his job shows up, runs, and its bar moves
    job = ravi.locator("[data-part='jobs'] [data-job]")
    expect(job).to_have_count(1, timeout=5000)
    expect(job).to_have_attribute("data-status", "running", timeout=LONG)
    ravi.wait_for_function(
        "() => { const b = document.querySelector(\"[data-part='jobs'] [data-job-bar]\");"
        " const w = b && parseFloat(b.style.width); return w > 0 && w < 100; }", timeout=LONG)
    expect(ravi.locator("[data-job-steps]")).to_have_text(re.compile(r"Step \d+ of 24"))
    expect(lena.locator("[data-part='jobs'] [data-job]")).to_have_count(1)  # the reviewer sees it too
    screenshot(ravi, "shot-generating")

    # the take arrives without a reload, on both pages, labelled as a smoke test
    for page in (ravi, lena):
        take = page.locator("article[data-take]:not([hidden])")
        expect(take).to_have_attribute("data-number", "1", timeout=LONG)
        expect(take.locator(".badge-smoke")).to_have_text("Smoke-test model")
        expect(take.locator("[data-review-state]")).to_have_text("Not reviewed")
    expect(ravi.locator("[data-part='jobs'] [data-job]")).to_have_count(0)
    expect(ravi.locator("[data-takes-count]")).to_have_text("1")
    made = Take.objects.get(shot=shot)
    assert (made.source, made.smoke_test, made.provenance["request"]["steps"], made.provenance["seed"]) == (
        "generated", True, 24, 1207)
    # and the panel can start from it
    expect(ravi.locator("[data-take-select] option")).to_have_text(["Upload an image…", "Take v1 (smoke test)"])

    # Lena approves it; Ravi sees it approved
    lena.click("article[data-take]:not([hidden]) [data-review='approved']")
    expect(lena.locator("article[data-take]:not([hidden]) [data-review='approved']")).to_have_attribute(
        "aria-pressed", "true")
    expect(ravi.locator("article[data-take]:not([hidden]) [data-review-state]")).to_have_text("Approved", timeout=5000)
    expect(ravi.locator("[data-select-take] .review-dot")).to_have_class(re.compile("review-approved"))
    made.refresh_from_db()
    assert (made.review, made.reviewed_by_id) == ("approved", reviewer.pk)

    assert ravi.evaluate("window.__sameDocument") is True
    assert lena.evaluate("window.__sameDocument") is True
    screenshot(ravi, "shot-approved")
    assert ravi_errors == []
    assert lena_errors == []


def test_field_errors_show_beside_their_fields_and_nothing_is_queued(open_in, generating_studio):
    _director, artist, _reviewer, project, shot = in_thread(setup_shot)
    ravi, errors = open_in(generating_studio, artist, shot_path(project, shot))
    expect(ravi.locator("[data-shot-page][data-ready]")).to_be_attached()

    ravi.fill("#g-width", "100")  # not a multiple of 8
    ravi.fill("#g-steps", "500")
    ravi.click("[data-submit]")

    expect(ravi.locator("[data-for='width'] .errorlist")).to_have_text("Width must be a multiple of 8.")
    expect(ravi.locator("[data-for='steps'] .errorlist")).to_have_text("Steps must be between 1 and 150.")
    assert GenerationJob.objects.filter(shot=shot).count() == 0
    ravi.fill("#g-width", "160")
    expect(ravi.locator("[data-for='width'] .errorlist")).to_have_count(0)
    assert all("status of 400" in e for e in errors)  # the refused request, nothing else


def test_the_board_shows_a_shots_new_take_and_its_running_job_live(open_in, generating_studio):
    director, artist, _reviewer, project, shot = in_thread(setup_shot)
    theo, errors = open_in(generating_studio, director, f"/projects/{project.pk}/board/")
    expect(theo.locator("[data-board][data-ready]")).to_be_attached()
    expect(theo.locator("[data-connection]")).to_have_attribute("data-state", "open", timeout=5000)
    card = theo.locator(f'[data-shot="{shot.pk}"]')
    expect(card.locator("img.take-img")).to_have_count(0)
    expect(card.locator("a.open-shot")).to_have_attribute("href", shot_path(project, shot))

    submit(artist, shot, steps=24)

    expect(card.locator("[data-card-progress]")).to_be_visible(timeout=LONG)
    expect(card.locator("img.take-img")).to_be_visible(timeout=LONG)
    take = Take.objects.get(shot=shot)
    thumbnail = f"/projects/{project.pk}/media/takes/{take.pk}/thumb/"
    expect(card.locator("img.take-img")).to_have_attribute("src", thumbnail)
    expect(card.locator(".take-tag")).to_have_text("v1")
    expect(card.locator(".smoke-tag")).to_have_text("Smoke test")
    expect(card.locator("[data-card-progress]")).to_be_hidden()
    # the thumbnail is really there for a member
    assert theo.evaluate(f"fetch('{thumbnail}').then(r => r.status)") == 200
    # the inspector shows it too, and opens the shot page
    card.click()
    expect(theo.locator("[data-inspector] .preview img")).to_have_attribute("src", thumbnail)
    theo.click("[data-open-shot]")
    expect(theo).to_have_url(re.compile(re.escape(shot_path(project, shot)) + "$"))
    assert errors == []


def test_cancel_from_the_queue_page_stops_a_running_job(open_in, generating_studio):
    _director, artist, _reviewer, project, shot = in_thread(setup_shot)
    page, errors = open_in(generating_studio, artist, f"/projects/{project.pk}/queue/")
    expect(page.locator("[data-queue-page][data-ready]")).to_be_attached()
    expect(page.locator("[data-connection]")).to_have_attribute("data-state", "open", timeout=5000)

    job = submit(artist, shot, steps=150)

    running = page.locator(f'article[data-job="{job.pk}"]')
    expect(running).to_be_visible(timeout=LONG)
    page.wait_for_function(
        f"() => {{ const b = document.querySelector('article[data-job=\"{job.pk}\"] [data-job-bar]');"
        " return b && parseFloat(b.style.width) > 0; }", timeout=LONG)
    expect(running.locator("[data-elapsed]")).to_have_text(re.compile(r"^\d+(\.\d)?s$"))
    screenshot(page, "queue-running")
    running.locator("[data-cancel]").click()

    finished = page.locator(f'a.finished[data-job="{job.pk}"]')
    expect(finished).to_be_visible(timeout=LONG)
    expect(finished.locator(".pill")).to_have_text("Canceled")
    expect(running).to_have_count(0)
    expect(page.locator("[data-count='running']")).to_have_text("0")
    job.refresh_from_db()
    assert job.status == "canceled"
    assert job.step < 150
    assert not Take.objects.filter(shot=shot).exists()
    assert errors == []
