"""The previz editor in a real Chromium (WebGL on SwiftShader): block a shot, save it, see it live, capture frames."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from studio.renders.models import GenerationJob, Take
from tests import factories

from .conftest import in_thread, screenshot

# Decode a captured PNG in the page; return its size, mean and spread, and a coarse fingerprint.
STATS = """async (blob) => {
  const bmp = await createImageBitmap(blob);
  const c = new OffscreenCanvas(bmp.width, bmp.height);
  const ctx = c.getContext('2d'); ctx.drawImage(bmp, 0, 0);
  const d = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
  let sum = 0, sq = 0, n = 0; const cells = new Array(64).fill(0);
  for (let y = 0; y < bmp.height; y += 4) for (let x = 0; x < bmp.width; x += 4) {
    const i = (y * bmp.width + x) * 4; const v = (d[i] + d[i + 1] + d[i + 2]) / 3;
    sum += v; sq += v * v; n += 1;
    cells[Math.floor(y * 8 / bmp.height) * 8 + Math.floor(x * 8 / bmp.width)] += v;
  }
  const mean = sum / n;
  return { w: bmp.width, h: bmp.height, mean, std: Math.sqrt(sq / n - mean * mean), cells: cells.map(Math.round) };
}"""

CAPTURE = "async () => { const s = await window.previz.viewport.capture(512); const f = " + STATS + \
    "; return { colour: await f(s.colour), depth: await f(s.depth) }; }"


def setup_shot():
    director = factories.make_user("theo", display_name="Theo Lindqvist")
    artist = factories.make_user("ravi", display_name="Ravi Menon")
    project = factories.make_project(owner=director, title="The Lighthouse")
    factories.add_member(project, "artist", artist)
    elin = factories.make_character(project, name="Elin", color="#e4572e")
    scene = factories.make_scene(project, location="Lamp room", time_of_day="NIGHT")
    shot = factories.make_shot(scene, description="Elin trims the wick.")
    return director, artist, project, elin, shot


def layout_of(page, base, project, shot):
    response = page.request.get(f"{base}/api/v1/projects/{project.pk}/shots/{shot.pk}/layout/")
    assert response.ok
    return response.json()


def test_an_artist_blocks_a_shot_and_the_director_sees_it_live_and_frames_capture(open_as, live_url):
    director, artist, project, elin, shot = in_thread(setup_shot)
    path = f"/projects/{project.pk}/shots/{shot.pk}/previz/"
    ravi, ravi_errors = open_as(artist, path)
    theo, theo_errors = open_as(director, path)
    for page in (ravi, theo):
        expect(page.locator("[data-previz][data-ready]")).to_be_attached(timeout=15000)
        assert page.evaluate("!!document.querySelector('.pv-canvas').getContext('webgl2')")
    expect(ravi.locator("[data-save-status]")).to_have_text("No changes yet")

    # Ravi adds Elin and a table, picks a 35 mm lens and a medium shot on Elin
    ravi.click(f'[data-add-character="{elin.pk}"]')
    ravi.click('[data-add="table"]')
    ravi.click('[data-lens="35"]')
    ravi.click('[data-objects] [data-type="character"]')
    ravi.click('[data-size="MS"]')
    expect(ravi.locator("[data-hfov]")).to_have_text("39.1°")
    expect(ravi.locator("[data-save-status]")).to_have_text(re.compile(r"Saved v\d+"), timeout=10000)

    body = layout_of(ravi, live_url, project, shot)
    assert body["version"] >= 1
    assert [o["type"] for o in body["layout"]["objects"]] == ["character", "table"]
    assert body["layout"]["objects"][0]["character"] == elin.pk
    assert body["layout"]["camera"]["focal_mm"] == 35
    assert body["layout"]["camera"]["framing"] == {"size": "MS", "subject": body["layout"]["objects"][0]["id"]}

    # Theo sees Elin appear without reloading
    expect(theo.locator('[data-objects] [data-type="character"]')).to_have_text(re.compile("Elin"), timeout=8000)
    expect(theo.locator('[data-objects] [data-type="table"]')).to_be_visible()
    expect(theo.locator("[data-spec-lens]")).to_have_text("35")

    # Delete the table with the keyboard, undo, redo, undo again
    ravi.click('[data-objects] [data-type="table"]')
    ravi.keyboard.press("Delete")
    expect(ravi.locator('[data-objects] [data-type="table"]')).to_have_count(0)
    ravi.keyboard.press("Control+z")
    expect(ravi.locator('[data-objects] [data-type="table"]')).to_have_count(1)
    ravi.keyboard.press("Control+Shift+z")
    expect(ravi.locator('[data-objects] [data-type="table"]')).to_have_count(0)
    ravi.keyboard.press("Control+z")
    expect(ravi.locator('[data-objects] [data-type="table"]')).to_have_count(1)
    ravi.click('[data-add="chair"]')
    ravi.click('[data-add="sun"]')
    ravi.click('[data-objects] [data-type="character"]')
    expect(ravi.locator("[data-save-status]")).to_have_text(re.compile(r"Saved v\d+"), timeout=10000)
    expect(theo.locator("[data-objects] [data-type]")).to_have_count(4, timeout=8000)

    screenshot(ravi, "previz-director-view")
    ravi.click('[data-view="lens"]')
    expect(ravi.locator("[data-frame]")).to_be_visible()
    screenshot(ravi, "previz-through-the-lens")

    # A capture through the shot camera: colour and depth are not blank, and the depth follows the camera
    first = ravi.evaluate(CAPTURE)
    assert first["colour"]["w"] == 512
    assert first["colour"]["h"] == round(512 / 2.39 / 2) * 2
    assert first["colour"]["std"] > 5
    assert first["depth"]["std"] > 5
    assert first["depth"]["mean"] > 1
    ravi.click('[data-size="LS"]')
    second = ravi.evaluate(CAPTURE)
    moved = sum(abs(a - b) for a, b in zip(first["depth"]["cells"], second["depth"]["cells"], strict=True))
    assert moved > 1000, (first["depth"], second["depth"])

    expect(ravi.locator("[data-save-status]")).to_have_text(re.compile(r"Saved v\d+"), timeout=10000)
    ravi.click("[data-capture]")
    expect(ravi.locator("[data-capture-result] [data-take]")).to_be_attached(timeout=20000)
    take = in_thread(lambda: Take.objects.filter(shot_id=shot.pk).values("source", "layout_version", "depth").get())
    assert take["source"] == "previz"
    assert take["layout_version"] == layout_of(ravi, live_url, project, shot)["version"]
    assert take["depth"]

    # Generate from layout: a depth-guided job from that capture, recording the layout version
    # (starting from the colour render too: depth ControlNet over image-to-image)
    expect(ravi.locator("[data-with-references]")).to_be_disabled()  # nobody in this shot has a reference image
    ravi.locator("[data-from-colour]").check()
    ravi.click("[data-generate-from]")
    expect(ravi.locator("[data-generate-from]")).to_have_text("Queued ✓", timeout=10000)
    take = in_thread(lambda: Take.objects.filter(shot_id=shot.pk).values("media", "source", "layout_version", "depth")
                     .get())
    job = in_thread(lambda: GenerationJob.objects.filter(shot_id=shot.pk).values("request", "layout_version").get())
    assert (job["request"]["depth_image"], job["request"]["init_image"], job["layout_version"]) == (
        take["depth"], take["media"], take["layout_version"])
    assert job["request"]["reference_images"] == []

    # Animate this frame: a clip (image-to-video) that starts on the capture
    ravi.click("[data-animate-from]")
    expect(ravi.locator("[data-animate-from]")).to_have_text("Queued ✓", timeout=10000)
    clip_job = in_thread(lambda: GenerationJob.objects.filter(shot_id=shot.pk, kind="clip").values("request").get())
    assert clip_job["request"]["first_frame"] == take["media"]
    screenshot(ravi, "previz-captured")

    # Render move: the keyframed camera over the shot's duration (3 s at 12 fps) as an animatic clip take
    ravi.click("[data-render-move]")
    expect(ravi.locator("[data-render-move]")).to_have_text("Render move", timeout=90000)
    clip = in_thread(lambda: Take.objects.filter(shot_id=shot.pk, kind="clip")
                     .values("source", "frames", "fps", "layout_version").get())
    assert clip == {"source": "previz", "frames": 36, "fps": 12, "layout_version": take["layout_version"]}
    assert ravi_errors == [], json.dumps(ravi_errors)
    assert theo_errors == [], json.dumps(theo_errors)


def test_a_writer_opens_the_editor_read_only(open_as):
    _, _, project, _, shot = in_thread(setup_shot)
    writer = in_thread(factories.add_member, project, "writer")
    page, errors = open_as(writer, f"/projects/{project.pk}/shots/{shot.pk}/previz/")
    expect(page.locator("[data-previz][data-ready]")).to_be_attached(timeout=15000)
    expect(page.locator("[data-readonly]")).to_have_text("Read only")
    assert page.locator("[data-save], [data-capture], [data-palette]").count() == 0
    assert page.locator('[data-edit="camera.focal_mm"]').is_disabled()
    assert errors == []


pytestmark = pytest.mark.django_db(transaction=True)


def staged_set():
    """A lamp-room set: a wall with a window, a table and chairs, Elin seated, Ben standing, a practical and the sun."""
    from studio.shots import layouts

    director, _, project, elin, shot = setup_shot()
    ben = factories.make_character(project, name="Ben", color="#4f9cf7")

    def piece(oid, kind, position, rotation=0, scale=(1, 1, 1), color="#8a8f98"):
        return {"id": oid, "type": kind, "name": oid.title(), "position": list(position), "rotation": [0, rotation, 0],
                "scale": list(scale), "color": color}

    objects = [
        piece("wall", "wall", (0, 0, -2.2), scale=(2, 1, 1), color="#6f747c"),
        piece("window", "window", (1.2, 0, -2.1), color="#9fb8d0"),
        piece("door", "door", (-2.4, 0, -2.1), color="#7a5a3c"),
        piece("table", "table", (0, 0, -0.4), color="#8b6b4a"),
        piece("chair", "chair", (-0.5, 0, -1.05), color="#6d5a46"),
        piece("chair-2", "chair", (0.55, 0, 0.3), rotation=180, color="#6d5a46"),
        {"id": "elin", "type": "character", "name": "Elin", "position": [-0.5, 0, -1.05], "rotation": [0, 0, 0],
         "character": elin.pk, "height": 1.7, "pose": "sit", "color": "#e4572e"},
        {"id": "ben", "type": "character", "name": "Ben", "position": [1.6, 0, 0.2], "rotation": [0, -120, 0],
         "character": ben.pk, "height": 1.85, "pose": "point", "color": "#4f9cf7"},
        {"id": "lamp", "type": "light", "name": "Oil lamp", "position": [0, 1.2, -0.4], "rotation": [0, 0, 0],
         "kind": "practical", "intensity": 6, "color": "#ffc98a"},
        {"id": "sun", "type": "light", "name": "Moonlight", "position": [4, 8, 3], "rotation": [0, 0, 0],
         "kind": "sun", "intensity": 1.6, "color": "#c8d6ff"},
    ]
    camera = {"focal_mm": 35, "sensor": "super35", "framing": {"size": "MS", "subject": "elin"},
              "keys": [{"t": 0, "position": [-0.9, 1.45, 3.6], "target": [0.45, 1.05, -0.6], "roll": 0},
                       {"t": 1, "position": [-0.2, 1.35, 2.2], "target": [-0.2, 1.0, -0.9], "roll": 0}]}
    layout = {"schema": 1, "stage": {"sky": "#1b2230", "ground": "#3a3f47", "grid": True}, "camera": camera,
              "objects": objects}
    layouts.layout_save(actor=director, shot=shot, data=layout, base_version=0)
    return director, project, shot


@pytest.mark.screenshots
def test_the_editor_looks_like_a_tool(open_as):
    director, project, shot = in_thread(staged_set)
    page, errors = open_as(director, f"/projects/{project.pk}/shots/{shot.pk}/previz/")
    expect(page.locator("[data-previz][data-ready]")).to_be_attached(timeout=15000)
    expect(page.locator("[data-objects] [data-type]")).to_have_count(10)
    page.click('[data-objects] [data-id="elin"]')
    screenshot(page, "previz-director-view-set")
    page.click('[data-view="lens"]')
    screenshot(page, "previz-through-the-lens-set")
    page.locator("[data-scrub]").fill("500")
    page.evaluate("document.querySelector('.pv-right').scrollTop = 10000")
    screenshot(page, "previz-move-and-stage")
    assert errors == []
