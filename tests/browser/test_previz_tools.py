"""The previz editor's tools in a real Chromium: a camera move of many keys, the stage's colours, glTF out and back in
as an imported set, and two people saving the same object at once."""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path

import pytest
from playwright.sync_api import expect

from studio.shots import layouts
from studio.shots.models import LayoutAsset, Shot

from .conftest import in_thread, requests_to, screenshot
from .test_previz_live import layout_of, setup_shot, staged_set

pytestmark = pytest.mark.django_db(transaction=True)

JSON_CHUNK = 0x4E4F534A


def open_editor(open_as, user, project, shot, *, clock=False):
    page, errors = open_as(user, f"/projects/{project.pk}/shots/{shot.pk}/previz/", clock=clock)
    expect(page.locator("[data-previz][data-ready]")).to_be_attached(timeout=15000)
    return page, errors


def saved(page):
    expect(page.locator("[data-save-status]")).to_have_text(re.compile(r"Saved v\d+"), timeout=10000)


def gltf_json(glb: bytes) -> dict:
    """The JSON chunk of a GLB file, read with nothing but the format's own header."""
    magic, version, length = struct.unpack_from("<4sII", glb)
    assert (magic, version, length) == (b"glTF", 2, len(glb))
    chunk_length, chunk_type = struct.unpack_from("<II", glb, 12)
    assert chunk_type == JSON_CHUNK
    return json.loads(glb[20:20 + chunk_length])


def test_a_piece_dragged_onto_the_stage_lands_where_it_is_dropped(open_as, live_url):
    _, artist, project, elin, shot = in_thread(setup_shot)
    page, errors = open_editor(open_as, artist, project, shot)
    viewport = page.locator("[data-viewport]")
    box = viewport.bounding_box()

    page.drag_and_drop('[data-add="tree"]', "[data-viewport]", target_position={"x": 260, "y": 420})
    page.drag_and_drop(f'[data-add-character="{elin.pk}"]', "[data-viewport]", target_position={"x": 520, "y": 380})
    expect(page.locator("[data-objects] [data-type]")).to_have_count(2)
    saved(page)

    expected = page.evaluate("(points) => points.map(([x, y]) => window.previz.viewport.groundAt(x, y))",
                             [[box["x"] + 260, box["y"] + 420], [box["x"] + 520, box["y"] + 380]])
    objects = layout_of(page, live_url, project, shot)["layout"]["objects"]
    assert [o["type"] for o in objects] == ["tree", "character"]
    # where the pointer let go, to a pixel (a few cm at this distance)
    assert objects[0]["position"] == pytest.approx(expected[0], abs=0.05)
    assert objects[1]["position"] == pytest.approx(expected[1], abs=0.05)
    assert abs(expected[0][0] - expected[1][0]) + abs(expected[0][2] - expected[1][2]) > 1
    assert errors == [], json.dumps(errors)


def test_a_camera_move_of_several_keys_is_built_on_the_timeline(open_as, live_url):
    _, artist, project, _, shot = in_thread(setup_shot)
    page, errors = open_editor(open_as, artist, project, shot)
    keys = page.locator("[data-keys-fields] [data-key-row]")
    expect(keys).to_have_count(1)
    expect(page.locator("[data-key-marks] .pv-key-mark")).to_have_count(0)

    # a static camera gets a second key at the end of the shot, from the director's view
    page.click("[data-add-key]")
    expect(keys).to_have_count(2)
    expect(page.locator("[data-time]")).to_have_text("3.0s / 3.0s")

    # half way through, another key from the view
    page.locator("[data-scrub]").fill("500")
    expect(page.locator("[data-add-key]")).to_have_text("Add key at 1.5s")
    page.keyboard.press("k")
    expect(keys).to_have_count(3)
    expect(page.locator("[data-key-marks] .pv-key-mark")).to_have_count(3)
    expect(page.locator('[data-key-row="1"]')).to_have_attribute("aria-current", "true")

    # a camera edit between keys keys the camera there (auto-key): a roll of 8° at 0.75 s
    page.locator("[data-scrub]").fill("250")
    page.locator('[data-edit="key.roll"]').fill("8")
    page.locator('[data-edit="key.roll"]').press("Enter")
    expect(keys).to_have_count(4)
    saved(page)
    cam = layout_of(page, live_url, project, shot)["layout"]["camera"]
    assert [k["t"] for k in cam["keys"]] == [0, 0.25, 0.5, 1]
    assert [k["roll"] for k in cam["keys"]] == [0, 8, 0, 0]
    assert cam["keys"][1]["position"] != cam["keys"][0]["position"]  # the pose the move had at 0.25, not a copy

    # removing the key at 1.5 s leaves the others where they were
    page.click('[data-remove-key="2"]')
    expect(keys).to_have_count(3)
    saved(page)
    cam = layout_of(page, live_url, project, shot)["layout"]["camera"]
    assert [k["t"] for k in cam["keys"]] == [0, 0.25, 1]

    # Go to jumps the playhead to a key
    page.click('[data-key-row="1"] [data-goto="1"]')
    expect(page.locator("[data-time]")).to_have_text("0.8s / 3.0s")
    assert page.locator("[data-scrub]").input_value() == "250"

    # someone makes the shot 6 s long (through the API, as the board does): the keys keep their place in the
    # shot, at twice the seconds
    status = page.evaluate("""async ([url, version]) => {
        const csrf = document.querySelector('meta[name="csrf-token"]').content;
        const r = await fetch(url, {method: "PATCH", body: JSON.stringify({duration: 6}), headers: {
            "Content-Type": "application/json", "X-CSRFToken": csrf, "If-Match": `"${version}"`}});
        return r.status;
    }""", [f"/api/v1/projects/{project.pk}/shots/{shot.pk}/", in_thread(lambda: Shot.objects.get(pk=shot.pk).version)])
    assert status == 200
    expect(page.locator("[data-spec-duration]")).to_have_text("6", timeout=8000)
    expect(page.locator("[data-time]")).to_have_text("1.5s / 6.0s")
    expect(page.locator('[data-key-row="2"]')).to_contain_text("6.0s")
    assert errors == [], json.dumps(errors)


def test_the_stage_takes_a_preset_colour_and_the_grid_goes(open_as, live_url):
    _, artist, project, _, shot = in_thread(setup_shot)
    page, errors = open_editor(open_as, artist, project, shot, clock=True)
    saves = requests_to(page, "PUT", f"/shots/{shot.pk}/layout/")
    expect(page.locator('[data-stage-preset="night"]')).to_have_attribute("aria-pressed", "true")

    page.click('[data-stage-preset="dusk"]')
    page.locator('[data-edit="stage.grid"]').uncheck()
    saved(page)

    assert layout_of(page, live_url, project, shot)["layout"]["stage"] == {
        "sky": "#c9865f", "ground": "#4a3f3a", "grid": False}
    expect(page.locator('[data-stage-preset="dusk"]')).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.previz.viewport.stage.scene.background.getHexString()") == "c9865f"
    assert page.evaluate("window.previz.viewport.stage.grid.visible") is False
    page.keyboard.press("Control+z")
    expect(page.locator('[data-edit="stage.grid"]')).to_be_checked()
    saved(page)

    # a table scaled past what a layout allows: the save is refused with the field, and the last save stands
    page.click('[data-add="table"]')
    saved(page)
    version = layout_of(page, live_url, project, shot)["version"]
    page.locator('[data-edit="scale.0"]').fill("500")
    page.locator('[data-edit="scale.0"]').press("Enter")
    expect(page.locator("[data-save-status]")).to_have_text(
        "Not saved: layout.objects[0].scale[0] Must be between 0.01 and 100.", timeout=10000)
    refused = len(saves)
    page.clock.run_for(1800)  # more than the autosave delay of page time, at once: it does not try again
    expect(page.locator("[data-save-status]")).to_have_text(re.compile("^Not saved"))
    assert layout_of(page, live_url, project, shot)["version"] == version
    assert len(saves) == refused
    page.locator('[data-edit="scale.0"]').fill("2")
    page.locator('[data-edit="scale.0"]').press("Enter")
    saved(page)
    assert layout_of(page, live_url, project, shot)["layout"]["objects"][0]["scale"] == [2, 1, 1]
    assert [e for e in errors if "400" not in e] == [], json.dumps(errors)


def test_a_layout_exported_as_gltf_comes_back_as_a_set_with_every_object(open_as, live_url):
    director, project, shot = in_thread(staged_set)
    page, errors = open_editor(open_as, director, project, shot)
    expect(page.locator("[data-objects] [data-type]")).to_have_count(10)

    # Export: a GLB with a node per object (named, with its id and type), the shot camera and its move
    with page.expect_download() as download:
        page.click("[data-export]")
    assert download.value.suggested_filename == "the-lighthouse-shot-1a-v1.glb"
    glb = Path(download.value.path()).read_bytes()
    doc = gltf_json(glb)
    roots = [doc["nodes"][i] for i in doc["scenes"][doc.get("scene", 0)]["nodes"]]
    objects = [n for n in roots if n.get("extras", {}).get("previz", {}).get("id")]
    layout = layout_of(page, live_url, project, shot)["layout"]
    assert [(n["name"], n["extras"]["previz"]["id"], n["extras"]["previz"]["type"]) for n in objects] == [
        (o["name"], o["id"], o["type"]) for o in layout["objects"]]
    cameras = [n for n in roots if "camera" in n]
    assert [n["name"] for n in cameras] == ["Shot camera"]
    camera = doc["cameras"][cameras[0]["camera"]]
    assert camera["type"] == "perspective"
    assert camera["perspective"]["aspectRatio"] == pytest.approx(2.39)
    assert [a["name"] for a in doc["animations"]] == ["Camera move"]
    assert sorted(c["target"]["path"] for c in doc["animations"][0]["channels"]) == ["rotation", "translation"]
    lights = doc["extensions"]["KHR_lights_punctual"]["lights"]
    assert sorted(light["type"] for light in lights) == ["directional", "point"]

    # Import it back as a set: the server keeps it, the stage places it, and three.js loads every object again
    page.set_input_files("[data-import-file]", files=[
        {"name": "lamp-room.glb", "mimeType": "model/gltf-binary", "buffer": glb}])
    env = page.locator('[data-objects] [data-type="environment"]')
    expect(env).to_have_text(re.compile("lamp-room"), timeout=10000)
    expect(page.locator("[data-sets] [data-add-set]")).to_have_count(1)
    saved(page)
    asset = in_thread(lambda: LayoutAsset.objects.values("id", "name", "bytes").get())
    assert (asset["name"], asset["bytes"]) == ("lamp-room", len(glb))
    placed = [o for o in layout_of(page, live_url, project, shot)["layout"]["objects"] if o["type"] == "environment"]
    assert [(o["asset"], o["scale"]) for o in placed] == [(str(asset["id"]), 1)]
    loaded = page.evaluate("""async (id) => {
        const stage = window.previz.viewport.stage;
        await stage.settled();
        const set = stage.group(id).children[0];
        return { objects: set.children.filter((c) => c.userData.previz?.id).length,
                 cameras: set.children.filter((c) => c.isCamera).length,
                 meshes: (() => { let n = 0; set.traverse((c) => { if (c.isMesh) n += 1; }); return n; })() };
    }""", placed[0]["id"])
    assert loaded["objects"] == len(layout["objects"]) == 10
    assert loaded["cameras"] == 1
    assert loaded["meshes"] > 10
    page.click('[data-objects] [data-type="environment"]')
    screenshot(page, "previz-imported-set")

    # A file that is not glTF is refused with the server's reason, and nothing is added
    page.set_input_files("[data-import-file]", files=[
        {"name": "notes.glb", "mimeType": "model/gltf-binary", "buffer": b"just some notes"}])
    expect(page.locator(".toast.error")).to_have_text(
        re.compile(r"notes\.glb was not imported: This is neither a \.glb nor a \.gltf file\."), timeout=10000)
    expect(page.locator("[data-objects] [data-type]")).to_have_count(11)
    assert in_thread(LayoutAsset.objects.count) == 1
    assert [e for e in errors if "not imported" not in e and "400" not in e] == [], json.dumps(errors)


def test_two_people_saving_the_same_object_are_told_and_nothing_is_lost(open_as, live_url):
    director, artist, project, _, shot = in_thread(setup_shot)

    def blocked():
        layout = layouts.layout_of(shot)[0]
        layout["objects"] = [
            {"id": "table", "type": "table", "name": "Table", "position": [0, 0, 0], "rotation": [0, 0, 0],
             "scale": [1, 1, 1], "color": "#8b6b4a"},
            {"id": "chair", "type": "chair", "name": "Chair", "position": [1, 0, 0], "rotation": [0, 0, 0],
             "scale": [1, 1, 1], "color": "#6d5a46"}]
        layouts.layout_save(actor=director, shot=shot, data=layout, base_version=0)
        return layout

    base = in_thread(blocked)
    # Theo's editor hears nothing live (its socket goes nowhere), so his saves are made from an old version
    theo, errors = open_as(director, "/", clock=True)
    saves = requests_to(theo, "PUT", f"/shots/{shot.pk}/layout/")
    theo.route_web_socket(re.compile(".*"), lambda ws: None)
    theo.goto(f"{live_url}/projects/{project.pk}/shots/{shot.pk}/previz/")
    expect(theo.locator("[data-previz][data-ready]")).to_be_attached(timeout=15000)
    expect(theo.locator("[data-save-status]")).to_have_text("Saved v1")

    def ravi_moves(oid, x, version):
        layout = json.loads(json.dumps(base))
        next(o for o in layout["objects"] if o["id"] == oid)["position"] = [x, 0, 0]
        if version > 1:
            next(o for o in layout["objects"] if o["id"] == "chair")["position"] = [2.5, 0, 0]
        return layouts.layout_save(actor=artist, shot=shot, data=layout, base_version=version)[0].version

    # Ravi moves the chair; Theo, from version 1, moves the table: different objects, so both are kept
    assert in_thread(ravi_moves, "chair", 2.5, 1) == 2
    theo.click('[data-objects] [data-id="table"]')
    theo.locator('[data-edit="position.0"]').fill("-1.5")
    theo.locator('[data-edit="position.0"]').press("Enter")
    expect(theo.locator("[data-save-status]")).to_have_text("Saved v3", timeout=10000)
    objects = {o["id"]: o["position"] for o in layout_of(theo, live_url, project, shot)["layout"]["objects"]}
    assert objects == {"table": [-1.5, 0, 0], "chair": [2.5, 0, 0]}
    assert theo.evaluate("window.previz.layout.objects.map((o) => o.position[0])") == [-1.5, 2.5]

    # Now both move the table: Theo's save is refused, naming it, and Ravi's move stands
    assert in_thread(ravi_moves, "table", 4, 3) == 4
    theo.locator('[data-edit="position.0"]').fill("-3")
    theo.locator('[data-edit="position.0"]').press("Enter")
    status = theo.locator("[data-save-status]")
    expect(status).to_have_text(re.compile(r"Someone else changed table while you were editing.*\(Table\)"),
                                timeout=10000)
    expect(status.locator("[data-reload]")).to_be_visible()
    objects = {o["id"]: o["position"] for o in layout_of(theo, live_url, project, shot)["layout"]["objects"]}
    assert objects == {"table": [4, 0, 0], "chair": [2.5, 0, 0]}
    refused = len(saves)
    theo.clock.run_for(2000)  # autosave stays off while the conflict is shown, however long
    expect(status).to_have_text(re.compile(r"Someone else changed table"))
    assert layout_of(theo, live_url, project, shot)["version"] == 4
    assert len(saves) == refused

    # Reload brings Ravi's table; Theo's value was never written over it
    status.locator("[data-reload]").click()
    expect(status).to_have_text("Saved v4")
    assert theo.locator('[data-edit="position.0"]').input_value() == "4"
    screenshot(theo, "previz-after-conflict")
    assert [e for e in errors if "409" not in e] == [], json.dumps(errors)


def test_a_set_imported_in_one_editor_loads_in_another(open_as):
    from tests.studio.shots.test_assets import glb

    director, artist, project, _, shot = in_thread(setup_shot)
    ravi, ravi_errors = open_editor(open_as, artist, project, shot)
    theo, theo_errors = open_editor(open_as, director, project, shot)

    ravi.set_input_files("[data-import-file]", files=[
        {"name": "Empty set.glb", "mimeType": "model/gltf-binary", "buffer": glb()}])
    saved(ravi)
    expect(theo.locator('[data-objects] [data-type="environment"]')).to_have_text(re.compile("Empty set"),
                                                                                   timeout=8000)
    assert theo.evaluate("""async () => {
        const stage = window.previz.viewport.stage;
        await stage.settled();
        const placed = window.previz.layout.objects.find((o) => o.type === "environment");
        return stage.group(placed.id).children.length;
    }""") == 1  # the loaded set (a failed load would be a red placeholder box, and a toast)
    expect(theo.locator(".toast.error")).to_have_count(0)
    assert ravi_errors == theo_errors == []


def test_a_lens_changed_on_the_board_reaches_an_open_editor_and_its_next_save_keeps_it(open_as, live_url):
    # given Ravi's editor open on a saved layout at 35 mm
    _, artist, project, _, shot = in_thread(setup_shot)
    page, errors = open_editor(open_as, artist, project, shot)
    page.click('[data-add="table"]')
    saved(page)
    version = page.evaluate("window.previz.version")

    # when the director makes the shot an 85 mm close-up on the board (through the API, as the board does)
    status = page.evaluate("""async ([url, version]) => {
        const csrf = document.querySelector('meta[name="csrf-token"]').content;
        const r = await fetch(url, {method: "PATCH", body: JSON.stringify({lens_mm: 85, size: "CU"}), headers: {
            "Content-Type": "application/json", "X-CSRFToken": csrf, "If-Match": `"${version}"`}});
        return r.status;
    }""", [f"/api/v1/projects/{project.pk}/shots/{shot.pk}/", in_thread(lambda: Shot.objects.get(pk=shot.pk).version)])
    assert status == 200

    # then the editor's camera takes the shot's lens and size, with nothing left to save
    expect(page.locator("[data-spec-lens]")).to_have_text("85", timeout=8000)
    page.wait_for_function("() => window.previz.layout.camera.focal_mm === 85 && window.previz.saved")
    assert page.evaluate("window.previz.layout.camera.framing.size") == "CU"
    assert page.evaluate("window.previz.version") == version

    # and when Ravi moves something else, the save keeps the board's lens (no conflict, no revert)
    page.click('[data-add="chair"]')
    saved(page)
    body = layout_of(page, live_url, project, shot)
    assert (body["version"], body["layout"]["camera"]["focal_mm"], body["layout"]["camera"]["framing"]["size"]) == (
        version + 1, 85, "CU")
    assert in_thread(lambda: Shot.objects.values_list("lens_mm", "size").get(pk=shot.pk)) == (85, "CU")
    assert errors == [], json.dumps(errors)
