"""The shot page's generation panel, against a studio without a worker: what it prefills and how it shows a
refusal. Nothing here needs a job to run."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from studio.renders.models import GenerationJob
from tests import factories

from .conftest import in_thread


def widescreen_shot():
    artist = factories.make_user("ravi_p", display_name="Ravi Menon")
    project = factories.make_project(owner=artist, title="Widescreen", aspect_ratio="1.78")
    factories.make_script(project)
    scene = factories.make_scene(project, location="Pier", time_of_day="DAY")
    return artist, project, factories.make_shot(scene, size="LS")


def open_panel(open_as, artist, project, shot):
    page, errors = open_as(artist, f"/projects/{project.pk}/shots/{shot.pk}/")
    expect(page.locator("[data-shot-page][data-ready]")).to_be_attached()
    return page, errors


def test_a_clip_in_a_16_9_project_is_prefilled_with_a_size_its_model_takes_and_queues(open_as):
    artist, project, shot = in_thread(widescreen_shot)
    page, errors = open_panel(open_as, artist, project, shot)
    expect(page.locator("#g-width")).to_have_value("136")  # the frame model's multiple of 8

    page.click("button[data-kind='clip']")

    expect(page.locator("#g-model")).to_have_value("wan-tiny")
    expect(page.locator("#g-width")).to_have_value("144")  # Wan's multiple of 16
    expect(page.locator("#g-height")).to_have_value("80")
    expect(page.locator("#g-width")).to_have_attribute("step", "16")
    page.click("[data-submit]")
    expect(page.locator("[data-part='jobs'] [data-job]")).to_have_count(1)
    job = in_thread(lambda: GenerationJob.objects.get(shot=shot))
    assert (job.kind, job.request["width"], job.request["height"]) == ("clip", 144, 80)
    assert errors == []


def test_a_refused_clip_says_why_beside_the_button_and_by_its_field_and_queues_nothing(open_as):
    artist, project, shot = in_thread(widescreen_shot)
    page, errors = open_panel(open_as, artist, project, shot)
    page.click("button[data-kind='clip']")
    page.fill("#g-width", "136")  # a multiple of 8, not of Wan's 16

    page.click("[data-submit]")

    refusal = "Width must be a multiple of 16 for Wan models."
    expect(page.locator("[data-gen-error]")).to_have_text(refusal)
    expect(page.locator("[data-gen-error]")).to_be_visible()
    expect(page.locator("[data-for='width'] .errorlist")).to_have_text(refusal)
    assert in_thread(lambda: GenerationJob.objects.filter(shot=shot).count()) == 0
    page.fill("#g-width", "144")
    expect(page.locator("[data-gen-error]")).to_be_hidden()
    assert all("status of 400" in e for e in errors)


def test_a_long_prompt_shows_its_token_count_and_what_the_model_would_not_read(open_as):
    artist, project, shot = in_thread(widescreen_shot)
    page, errors = open_panel(open_as, artist, project, shot)
    expect(page.locator("[data-prompt-tokens]")).to_have_text(re.compile(r"^\d+ of 225 tokens$"))

    page.fill("#g-prompt", " ".join(["abcd"] * 60))  # 240 tokens of the tiny tokenizer

    expect(page.locator("[data-prompt-tokens]")).to_have_text(
        "240 of 225 tokens, read in chunks · Not read: “abcd abcd abcd abcd”")
    page.select_option("#g-model", "sdxl-tiny")
    expect(page.locator("[data-prompt-cut]")).to_have_text(f"Not read: “{' '.join(['abcd'] * 23)}”")
    assert errors == []
