"""Editorial interchange (deliverables/interchange.py): the sequence out as OTIO, OTIOZ, CMX 3600 EDL and FCP 7 XML,
read back through the adapters, and an edited cut turned into a retime proposal. No database: sequences are built
by hand, their takes are files in tmp_path."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from decimal import Decimal
from fractions import Fraction

import opentimelineio as otio
import pytest

from studio.deliverables.interchange import (
    Change,
    InterchangeError,
    Missing,
    Stray,
    export,
    export_otioz,
    read_timeline,
    retime_proposal,
    shot_id_of,
    timeline_of,
)
from studio.deliverables.sequence import Media, Panel, Sequence, frames_for

FPS = {"24": Fraction(24), "25": Fraction(25), "23.976": Fraction(24000, 1001)}
SHOTS = [  # shot id, number, seconds, take id, notes
    (11, "1A", "1.5", 101, "Darker sky\nLose the gull"),
    (12, "1B", "2", 102, ""),
    (13, "1C", "0.5", None, "Sketch only"),
    (14, "2A", "3.25", 104, ""),
    (15, "2B", "1", 105, "Hold on Elin"),
]


def make_sequence(tmp_path, fps: Fraction = Fraction(24), shots=SHOTS) -> Sequence:
    media_dir = tmp_path / "takes"
    media_dir.mkdir(exist_ok=True)
    panels = []
    for shot_id, number, seconds, take_id, notes in shots:
        media = None
        if take_id is not None:
            path = media_dir / f"take-{take_id}.png"
            path.write_bytes(b"\x89PNG fake " + number.encode())
            media = Media(path=str(path), kind="image", width=1920, height=803, take_id=take_id, take_number=2,
                          url=f"/api/v1/projects/1/takes/{take_id}/media/")
        scene = 1 if number.startswith("1") else 2
        panels.append(Panel(
            shot_id=shot_id, number=number, scene_id=100 + scene, scene_number=scene,
            scene_heading="INT. LAMP ROOM - NIGHT" if scene == 1 else "EXT. CLIFF - DAY", size="Medium shot",
            size_code="MS", angle="Eye level", movement="Static", lens_mm=50, duration_s=Decimal(seconds),
            frames=frames_for(Decimal(seconds), fps), action="Elin climbs.", lines=(), notes=notes,
            characters=("ELIN",), status="draft", version=3, selected="approved" if media else "sketch",
            media=media))
    return Sequence(project_id=1, title="The Lighthouse", logline="", draft="Draft 3", revision_colour="",
                    day=date(2026, 12, 4), aspect=Decimal("2.39"), fps=fps, panels=tuple(panels))


def ranges(timeline) -> list[tuple[str, float, float, float]]:
    """(name, start, duration, rate) of each clip of the first video track."""
    return [(clip.name, clip.source_range.start_time.value, clip.source_range.duration.value,
             clip.source_range.duration.rate) for clip in timeline.video_tracks()[0].find_clips()]


def expected(sequence) -> list[tuple[str, float, float, float]]:
    return [(panel.number, 0, panel.frames, float(sequence.fps)) for panel in sequence.panels]


# --- export and read back -------------------------------------------------------------------------------------

@pytest.mark.parametrize("fps", FPS.values(), ids=FPS.keys())
def test_otio_round_trip_keeps_order_names_and_frame_ranges(tmp_path, fps):
    sequence = make_sequence(tmp_path, fps)

    back = read_timeline(export(sequence, "otio"), "cut.otio")

    assert ranges(back) == expected(sequence)
    assert back.global_start_time == otio.opentime.RationalTime(3600 * round(fps), float(fps))
    assert otio.opentime.to_timecode(back.global_start_time, float(fps)) == "01:00:00:00"
    assert [clip.range_in_parent().start_time.value for clip in back.find_clips()] == sequence.starts()


def test_23976_is_the_exact_ntsc_rate(tmp_path):
    sequence = make_sequence(tmp_path, Fraction(24000, 1001))

    back = read_timeline(export(sequence, "otio"), "cut.otio")

    rate = back.video_tracks()[0].find_clips()[0].source_range.duration.rate
    assert rate == 24000 / 1001 == 24 * 1000.0 / 1001  # what OTIO and the FCP adapter compute
    assert [panel.frames for panel in sequence.panels] == [36, 48, 12, 78, 24]


@pytest.mark.parametrize("fps", FPS.values(), ids=FPS.keys())
def test_edl_round_trip_keeps_ranges_names_and_shot_ids(tmp_path, fps):
    sequence = make_sequence(tmp_path, fps)

    data = export(sequence, "edl")
    back = read_timeline(data, "cut.edl", fps=fps)

    assert ranges(back) == expected(sequence)
    text = data.decode()
    assert "* FROM CLIP NAME:  1A" in text
    assert "* PREVIZ SHOT_ID: 11" in text
    assert [shot_id_of(clip) for clip in back.find_clips()] == [11, 12, 13, 14, 15]
    assert [clip.metadata["cmx_3600"]["reel"] for clip in back.find_clips()] == ["PZ11", "PZ12", "PZ13", "PZ14",
                                                                                  "PZ15"]
    assert otio.opentime.to_timecode(back.global_start_time, float(fps)) == "01:00:00:00"
    assert [clip.range_in_parent().start_time.value for clip in back.find_clips()] == sequence.starts()
    # the notes come back as LOC markers, upper-cased by the adapter
    assert [m.name for m in back.find_clips()[0].markers] == ["DARKER SKY", "LOSE THE GULL"]
    assert back.find_clips()[1].media_reference.target_url == otio.url_utils.url_from_filepath(
        sequence.panels[1].media.path)


def test_edl_record_timecodes_at_24(tmp_path):
    text = export(make_sequence(tmp_path), "edl").decode()

    events = [line for line in text.splitlines() if line[:3].isdigit()]
    assert events == [
        "001  PZ11     V     C        00:00:00:00 00:00:01:12 01:00:00:00 01:00:01:12",
        "002  PZ12     V     C        00:00:00:00 00:00:02:00 01:00:01:12 01:00:03:12",
        "003  PZ13     V     C        00:00:00:00 00:00:00:12 01:00:03:12 01:00:04:00",
        "004  PZ14     V     C        00:00:00:00 00:00:03:06 01:00:04:00 01:00:07:06",
        "005  PZ15     V     C        00:00:00:00 00:00:01:00 01:00:07:06 01:00:08:06",
    ]
    assert text.startswith("TITLE: The Lighthouse\n")


@pytest.mark.parametrize("fps", FPS.values(), ids=FPS.keys())
def test_fcp7_xml_round_trip_keeps_ranges_names_markers_and_shot_ids(tmp_path, fps):
    sequence = make_sequence(tmp_path, fps)

    data = export(sequence, "fcp7")
    back = read_timeline(data, "cut.xml")

    assert data.startswith(b"<?xml")
    assert b"<xmeml" in data
    assert ranges(back) == expected(sequence)
    assert [shot_id_of(clip) for clip in back.find_clips()] == [11, 12, 13, 14, 15]
    assert otio.opentime.to_timecode(back.global_start_time, float(fps)) == "01:00:00:00"
    first = back.find_clips()[0]
    assert [m.name for m in first.markers] == ["Darker sky", "Lose the gull"]
    assert first.metadata["fcp_xml"]["logginginfo"]["shottake"] == "1A"
    assert first.metadata["fcp_xml"]["logginginfo"]["scene"] == "1"
    assert isinstance(back.find_clips()[2].media_reference, otio.schema.MissingReference)  # 1C is a sketch
    assert retime_proposal(sequence, back).changes == ()


def test_edl_and_fcp7_read_back_propose_nothing(tmp_path):
    sequence = make_sequence(tmp_path, Fraction(24000, 1001))
    for fmt, name in [("edl", "cut.edl"), ("fcp7", "cut.xml"), ("otio", "cut.otio")]:
        proposal = retime_proposal(sequence, read_timeline(export(sequence, fmt), name, fps=sequence.fps))

        assert proposal.changes == (), fmt
        assert proposal.order == (11, 12, 13, 14, 15), fmt
        assert [m.by for m in proposal.matched] == ["id"] * 5, fmt
        assert (proposal.unmatched, proposal.repeated, proposal.missing, proposal.rate_mismatch) == ((), (), (), "")


def test_fcpx_is_not_offered():
    assert "fcpx_xml" not in otio.adapters.available_adapter_names()
    with pytest.raises(ValueError, match="Unknown format 'fcpx'"):
        export(make_sequence_stub(), "fcpx")


def make_sequence_stub() -> Sequence:
    return Sequence(project_id=1, title="t", logline="", draft="", revision_colour="", day=date(2026, 1, 1),
                    aspect=Decimal("1.78"), fps=Fraction(24), panels=())


def test_each_clip_holds_the_panel_metadata_and_its_take(tmp_path):
    sequence = make_sequence(tmp_path)

    timeline = timeline_of(sequence, media_url=lambda panel: f"https://studio.example{panel.media.url}")

    clips = timeline.video_tracks()[0].find_clips()
    assert dict(clips[0].metadata["previz"]) == {
        "shot_id": 11, "number": "1A", "scene_id": 101, "scene_number": 1, "scene_heading": "INT. LAMP ROOM - NIGHT",
        "lens_mm": 50, "size": "Medium shot", "size_code": "MS", "angle": "Eye level", "movement": "Static",
        "take_id": 101, "take_number": 2, "version": 3, "selected": "approved"}
    assert dict(clips[2].metadata["previz"]) == {
        "shot_id": 13, "number": "1C", "scene_id": 101, "scene_number": 1, "scene_heading": "INT. LAMP ROOM - NIGHT",
        "lens_mm": 50, "size": "Medium shot", "size_code": "MS", "angle": "Eye level", "movement": "Static",
        "take_id": None, "take_number": None, "version": 3, "selected": "sketch"}
    assert clips[0].media_reference.target_url == "https://studio.example/api/v1/projects/1/takes/101/media/"
    assert isinstance(clips[2].media_reference, otio.schema.MissingReference)
    back = read_timeline(otio.adapters.write_to_string(timeline, "otio_json").encode(), "x.otio")
    assert dict(back.find_clips()[3].metadata["previz"])["shot_id"] == 14  # survives the JSON
    # without media_url: the file itself, as a file URL
    assert timeline_of(sequence).find_clips()[0].media_reference.target_url == otio.url_utils.url_from_filepath(
        str(tmp_path / "takes" / "take-101.png"))


def test_notes_become_markers_at_the_clip_start(tmp_path):
    sequence = make_sequence(tmp_path)

    clips = read_timeline(export(sequence, "otio"), "cut.otio").find_clips()

    assert [[m.name for m in clip.markers] for clip in clips] == [
        ["Darker sky", "Lose the gull"], [], ["Sketch only"], [], ["Hold on Elin"]]
    marker = clips[0].markers[0]
    assert marker.marked_range == otio.opentime.TimeRange(otio.opentime.RationalTime(0, 24),
                                                          otio.opentime.RationalTime(0, 24))


def test_otioz_bundles_the_takes(tmp_path):
    sequence = make_sequence(tmp_path)
    out = tmp_path / "cut.otioz"

    bundle = export_otioz(sequence, out)

    assert bundle.media == ("media/take-101.png", "media/take-102.png", "media/take-104.png", "media/take-105.png")
    assert bundle.missing == ()
    assert bundle.sketches == ("1C",)
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == ["content.otio", "media/take-101.png", "media/take-102.png",
                                              "media/take-104.png", "media/take-105.png", "version.txt"]
        assert archive.read("media/take-104.png") == b"\x89PNG fake 2A"
    back = read_timeline(out.read_bytes(), "cut.otioz")
    assert ranges(back) == expected(sequence)
    assert back.find_clips()[0].media_reference.target_url == "media/take-101.png"
    assert retime_proposal(sequence, back).changes == ()
    export_otioz(sequence, out)  # replaces the file it wrote


def test_otioz_reports_a_missing_file_and_renames_a_clash(tmp_path):
    sequence = make_sequence(tmp_path)
    (tmp_path / "takes" / "take-102.png").unlink()
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "take-101.png").write_bytes(b"another file of the same name")
    panels = list(sequence.panels)
    panels[3] = Panel(**{**panels[3].__dict__, "media": Media(
        path=str(other / "take-101.png"), kind="image", width=1, height=1, take_id=104)})
    sequence = Sequence(**{**sequence.__dict__, "panels": tuple(panels)})

    bundle = export_otioz(sequence, tmp_path / "cut.otioz")

    assert bundle.missing == (("1B", str(tmp_path / "takes" / "take-102.png")),)
    assert bundle.media == ("media/take-101.png", "media/take-101-14.png", "media/take-105.png")
    with zipfile.ZipFile(tmp_path / "cut.otioz") as archive:
        assert archive.read("media/take-101-14.png") == b"another file of the same name"
        assert archive.read("media/take-101.png") == b"\x89PNG fake 1A"
    clips = read_timeline((tmp_path / "cut.otioz").read_bytes(), "cut.otioz").find_clips()
    assert isinstance(clips[1].media_reference, otio.schema.MissingReference)
    assert clips[3].media_reference.target_url == "media/take-101-14.png"


# --- the retime proposal --------------------------------------------------------------------------------------

def edited(sequence, edit) -> otio.schema.Timeline:
    """The export read back, changed by ``edit(track)`` with OTIO's API, written and read again."""
    timeline = read_timeline(export(sequence, "otio"), "cut.otio")
    edit(timeline.video_tracks()[0])
    return read_timeline(otio.adapters.write_to_string(timeline, "otio_json").encode(), "edit.otio")


def set_frames(clip, frames):
    source = clip.source_range
    clip.source_range = otio.opentime.TimeRange(source.start_time,
                                                otio.opentime.RationalTime(frames, source.duration.rate))


@pytest.mark.parametrize("fps", FPS.values(), ids=FPS.keys())
def test_a_retime_changes_exactly_the_two_retimed_shots(tmp_path, fps):
    sequence = make_sequence(tmp_path, fps)

    def edit(track):
        set_frames(track[1], 60)
        set_frames(track[3], 30)

    proposal = retime_proposal(sequence, edited(sequence, edit))

    one_b, two_a = sequence.panels[1], sequence.panels[3]
    assert proposal.changes == (
        Change(shot_id=12, number="1B", old_frames=one_b.frames, new_frames=60, old_duration_s=Decimal("2.00"),
               new_duration_s=(Decimal(60) / Decimal(float(fps))).quantize(Decimal("0.01")), old_index=1,
               new_index=1, version=3),
        Change(shot_id=14, number="2A", old_frames=two_a.frames, new_frames=30, old_duration_s=Decimal("3.25"),
               new_duration_s=(Decimal(30) / Decimal(float(fps))).quantize(Decimal("0.01")), old_index=3,
               new_index=3, version=3),
    )
    assert proposal.order == (11, 12, 13, 14, 15)
    assert (proposal.unmatched, proposal.repeated, proposal.missing, proposal.notes) == ((), (), (), ())
    for change in proposal.changes:  # the stored duration gives back the edit's frames
        assert frames_for(change.new_duration_s, fps) == change.new_frames


def test_retime_durations_at_24(tmp_path):
    sequence = make_sequence(tmp_path)

    def edit(track):
        set_frames(track[1], 60)
        set_frames(track[3], 30)

    changes = retime_proposal(sequence, edited(sequence, edit)).changes

    assert [(c.number, c.old_frames, c.new_frames, c.old_duration_s, c.new_duration_s) for c in changes] == [
        ("1B", 48, 60, Decimal("2.00"), Decimal("2.50")), ("2A", 78, 30, Decimal("3.25"), Decimal("1.25"))]


def test_a_retime_through_an_edl(tmp_path):
    sequence = make_sequence(tmp_path, Fraction(25))
    timeline = read_timeline(export(sequence, "edl"), "cut.edl", fps=Fraction(25))
    set_frames(timeline.video_tracks()[0][0], 50)
    edl = otio.adapters.write_to_string(timeline, "cmx_3600").encode()

    proposal = retime_proposal(sequence, read_timeline(edl, "edit.edl", fps=Fraction(25)))

    assert [(c.number, c.old_frames, c.new_frames, c.new_duration_s) for c in proposal.changes] == [
        ("1A", 38, 50, Decimal("2.00"))]


def test_swapping_two_clips_gives_the_new_order(tmp_path):
    sequence = make_sequence(tmp_path)

    def edit(track):
        clip = track[3]
        track.remove(clip)
        track.insert(1, clip)  # 2A now second

    proposal = retime_proposal(sequence, edited(sequence, edit))

    assert proposal.order == (11, 14, 12, 13, 15)
    assert [(c.number, c.old_index, c.new_index, c.old_frames == c.new_frames) for c in proposal.changes] == [
        ("2A", 3, 1, True), ("1B", 1, 2, True), ("1C", 2, 3, True)]


def test_matching_by_name_when_the_ids_are_gone(tmp_path):
    sequence = make_sequence(tmp_path)

    def edit(track):
        for clip in track:
            del clip.metadata["previz"]
        track[0].name = " 1a "
        track[4], track[3] = track[3].deepcopy(), track[4].deepcopy()

    proposal = retime_proposal(sequence, edited(sequence, edit))

    assert [m.by for m in proposal.matched] == ["name"] * 5
    assert proposal.order == (11, 12, 13, 15, 14)


def test_matching_by_take_file_name(tmp_path):
    sequence = make_sequence(tmp_path)

    def edit(track):
        for clip in track:
            del clip.metadata["previz"]
            clip.name = "Untitled"
        track[0].media_reference.target_url = "file:///edit/renamed/take-101.png"  # the same file name
        track[1].media_reference.target_url = "file:///edit/TK102_v2.mov"  # the take id as a number

    proposal = retime_proposal(sequence, edited(sequence, edit))

    assert [(m.number, m.clip_index, m.by) for m in proposal.matched] == [
        ("1A", 0, "media"), ("1B", 1, "media"), ("2A", 3, "media"), ("2B", 4, "media")]
    assert [(s.index, s.name) for s in proposal.unmatched] == [(2, "Untitled")]  # 1C is a sketch: no file
    assert proposal.missing == (Missing(shot_id=13, number="1C", index=2),)


def test_an_extra_clip_is_reported_unmatched(tmp_path):
    sequence = make_sequence(tmp_path)

    def edit(track):
        rate = track[0].source_range.duration.rate
        extra = otio.schema.Clip(name="ZZ", media_reference=otio.schema.ExternalReference(
            target_url="file:///edit/stock/waves.mov"), source_range=otio.opentime.TimeRange(
            otio.opentime.RationalTime(0, rate), otio.opentime.RationalTime(30, rate)))
        track.insert(2, extra)

    proposal = retime_proposal(sequence, edited(sequence, edit))

    assert proposal.unmatched == (Stray(index=2, name="ZZ", frames=30, duration_s=Decimal("1.25"), start_frame=84,
                                        reason="no shot has this name, id or take"),)
    assert proposal.changes == ()
    assert proposal.order == (11, 12, 13, 14, 15)
    assert proposal.missing == ()


def test_a_shot_cut_out_of_the_edit_is_missing_and_keeps_its_place(tmp_path):
    sequence = make_sequence(tmp_path)

    def edit(track):
        del track[1]  # 1B
        clip = track[3]  # 2B to the front
        track.remove(clip)
        track.insert(0, clip)

    proposal = retime_proposal(sequence, edited(sequence, edit))

    assert proposal.missing == (Missing(shot_id=12, number="1B", index=1),)
    assert proposal.order == (15, 11, 12, 13, 14)  # 1B stays after 1A, the shot before it on the board
    assert [(c.number, c.old_index, c.new_index) for c in proposal.changes] == [
        ("2B", 4, 0), ("1A", 0, 1), ("1B", 1, 2), ("1C", 2, 3), ("2A", 3, 4)]
    assert all(c.old_frames == c.new_frames for c in proposal.changes)


def test_the_first_shot_cut_stays_first(tmp_path):
    sequence = make_sequence(tmp_path)

    proposal = retime_proposal(sequence, edited(sequence, lambda track: track.__delitem__(0)))

    assert proposal.order == (11, 12, 13, 14, 15)
    assert proposal.changes == ()
    assert [m.number for m in proposal.missing] == ["1A"]


def test_a_shot_used_twice_keeps_its_first_use(tmp_path):
    sequence = make_sequence(tmp_path)

    def edit(track):
        again = track[0].deepcopy()
        set_frames(again, 10)
        track.append(again)

    proposal = retime_proposal(sequence, edited(sequence, edit))

    assert proposal.repeated == (Stray(index=5, name="1A", frames=10, duration_s=Decimal("0.42"), start_frame=198,
                                       reason="shot 1A is used again: its first use (clip 0) wins", shot_id=11),)
    assert proposal.changes == ()


def test_gaps_are_skipped_with_a_note(tmp_path):
    sequence = make_sequence(tmp_path)

    def edit(track):
        rate = track[0].source_range.duration.rate
        track.insert(2, otio.schema.Gap(duration=otio.opentime.RationalTime(12, rate)))

    proposal = retime_proposal(sequence, edited(sequence, edit))

    assert proposal.changes == ()
    assert proposal.unmatched == ()
    assert proposal.notes == ("A gap of 12 frames (0.50 s) at frame 84 (before clip 2) is skipped: it is no shot.",)


def test_an_edit_at_another_rate_is_converted_by_time(tmp_path):
    sequence = make_sequence(tmp_path)  # 24 fps
    timeline = otio.schema.Timeline()
    track = otio.schema.Track(kind=otio.schema.TrackKind.Video)
    timeline.tracks.append(track)
    for name, frames in [("1A", 50), ("1B", 50), ("1C", 12.5), ("2A", 81.25), ("2B", 25)]:  # at 25 fps
        track.append(otio.schema.Clip(name=name, source_range=otio.opentime.TimeRange(
            otio.opentime.RationalTime(0, 25), otio.opentime.RationalTime(frames, 25))))

    proposal = retime_proposal(sequence, timeline)

    assert proposal.rate_mismatch == ("The edit runs at 25 fps, the sequence at 24 fps: durations are converted by "
                                      "time to 24 fps frames.")
    assert [(c.number, c.old_frames, c.new_frames, c.new_duration_s) for c in proposal.changes] == [
        ("1A", 36, 48, Decimal("2.00"))]  # 50 frames at 25 = 2 s = 48 at 24; the others last as long as before


def test_more_than_one_video_track_reads_the_first_and_warns(tmp_path):
    sequence = make_sequence(tmp_path)
    timeline = read_timeline(export(sequence, "otio"), "cut.otio")
    timeline.tracks.append(otio.schema.Track(name="V2", kind=otio.schema.TrackKind.Video))

    back = read_timeline(otio.adapters.write_to_string(timeline, "otio_json").encode(), "cut.otio")
    proposal = retime_proposal(sequence, back)

    warning = "The edit has 2 video tracks: only the first (V1) is read."
    assert list(back.metadata["previz_import"]["warnings"]) == [warning]
    assert proposal.notes == (warning,)
    assert proposal.changes == ()


def test_a_clip_carrying_a_foreign_shot_id_is_unmatched(tmp_path):
    sequence = make_sequence(tmp_path)

    def edit(track):
        track[4].metadata["previz"]["shot_id"] = 999

    proposal = retime_proposal(sequence, edited(sequence, edit))

    assert [(s.index, s.name, s.reason) for s in proposal.unmatched] == [
        (4, "2B", "it carries the id of shot 999, which is not in this sequence")]
    assert [m.number for m in proposal.missing] == ["2B"]


@pytest.mark.parametrize(("data", "filename", "message"), [
    (b"{not json", "cut.otio", "cut.otio is not OTIO JSON: Expecting property name enclosed in double quotes: "
                               "line 1 column 2 (char 1)."),
    (b'{"OTIO_SCHEMA": "Clip.2", "name": "x", "source_range": null, "media_references": {}, '
     b'"active_media_reference_key": "DEFAULT_MEDIA"}', "cut.otio", "cut.otio holds a Clip, not a Timeline."),
    (b'{"OTIO_SCHEMA": "Timeline.1", "name": "x", "tracks": {"OTIO_SCHEMA": "Stack.1", "children": []}}',
     "cut.otio", "The edit has no video track."),
    (b"Dear editor,\nhere is the cut.\n", "cut.edl", "cut.edl is not a CMX 3600 EDL this studio can read: "
                                                      "Unknown event type."),
    (b"TITLE: nothing\n", "cut.edl", "cut.edl is not a CMX 3600 EDL: it has no events."),
    (b"<html><body>nope</body></html>", "cut.xml", "cut.xml is not an FCP 7 XML sequence this studio can read: "
                                                   "No top-level sequences found."),
    (b'<?xml version="1.0"?>\n<fcpxml version="1.9"></fcpxml>', "cut.xml",
     "cut.xml is FCPXML (Final Cut Pro X): export FCP 7 XML (xmeml) instead, or an EDL or OTIO file."),
    (b"PK not a zip", "cut.otioz", "cut.otioz is not an OTIOZ bundle (a zip with content.otio): File is not a zip "
                                   "file"),
    (b"", "cut.otio", "cut.otio is empty."),
    (b"x", "cut.mov", "cut.mov: an edit is an .otio, .otioz, .edl or FCP 7 .xml file."),
])
def test_unreadable_input_raises_interchange_error(data, filename, message):
    with pytest.raises(InterchangeError) as raised:
        read_timeline(data, filename)

    assert str(raised.value) == message
    assert isinstance(raised.value, ValueError)


def test_a_bare_number_in_a_file_name_is_no_take_id(tmp_path):
    sequence = make_sequence(tmp_path)

    def edit(track):
        for clip in track:
            del clip.metadata["previz"]
            clip.name = "Untitled"
        track[0].media_reference.target_url = "file:///cards/A101C003_261204.mov"  # a camera roll, not take 101
        track[1].media_reference.target_url = "https://studio.example/api/v1/projects/1/takes/102/media/"
        track[3].media_reference.target_url = "file:///edit/shot104.mov"  # "shot104" names no take
        track[4].media_reference.target_url = "file:///edit/2B_t105.mov"

    proposal = retime_proposal(sequence, edited(sequence, edit))

    assert [(m.number, m.clip_index) for m in proposal.matched] == [("1B", 1), ("2B", 4)]
    assert [s.index for s in proposal.unmatched] == [0, 2, 3]


def test_black_filler_is_skipped_with_a_note(tmp_path):
    sequence = make_sequence(tmp_path)
    edl = export(sequence, "edl").decode()
    black = "002  BL       V     C        00:00:00:00 00:00:00:12 01:00:01:12 01:00:02:00\n"
    lines = edl.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("002"))
    renumbered = [line if not line[:3].isdigit() or int(line[:3]) < 2 else
                  f"{int(line[:3]) + 1:03d}{line[3:]}" for line in lines]
    shifted = []
    for line in renumbered[at:]:  # every later record timecode moves 12 frames
        if line[:3].isdigit():
            fields = line.split()
            record = [otio.opentime.to_timecode(otio.opentime.from_timecode(tc, 24) + otio.opentime.RationalTime(
                12, 24), 24) for tc in fields[-2:]]
            line = line[: line.index(fields[-2])] + " ".join(record) + "\n"
        shifted.append(line)
    edited_edl = "".join(renumbered[:at] + [black] + shifted)

    proposal = retime_proposal(sequence, read_timeline(edited_edl.encode(), "cut.edl", fps=Fraction(24)))

    assert proposal.changes == ()
    assert proposal.unmatched == ()
    assert proposal.notes == ("Clip 1 (002) is black filler of 12 frames: skipped.",)  # named by its event


def test_an_edl_read_without_a_rate_says_so(tmp_path):
    timeline = read_timeline(export(make_sequence(tmp_path), "edl"), "cut.edl")

    assert list(timeline.metadata["previz_import"]["warnings"]) == [
        "An EDL has no frame rate: it was read at 24 fps."]


def test_an_fcp7_file_of_two_sequences_reads_the_first(tmp_path):
    first = timeline_of(make_sequence(tmp_path))
    second = timeline_of(make_sequence(tmp_path, shots=SHOTS[:2]))
    second.name = "Alternate"
    xml = otio.adapters.write_to_string(otio.schema.SerializableCollection(name="Bin", children=[first, second]),
                                        "fcp_xml")

    timeline = read_timeline(xml.encode(), "bin.xml")

    assert [clip.name for clip in timeline.find_clips()] == ["1A", "1B", "1C", "2A", "2B"]
    assert list(timeline.metadata["previz_import"]["warnings"]) == [
        "bin.xml holds 2 sequences: only the first (The Lighthouse) is read."]


def test_23_98_is_read_as_23_976(tmp_path):
    sequence = make_sequence(tmp_path, Fraction(24000, 1001))
    timeline = otio.schema.Timeline()
    track = otio.schema.Track(kind=otio.schema.TrackKind.Video)
    timeline.tracks.append(track)
    for panel in sequence.panels:
        track.append(otio.schema.Clip(name=panel.number, source_range=otio.opentime.TimeRange(
            otio.opentime.RationalTime(0, 23.98), otio.opentime.RationalTime(panel.frames, 23.98))))

    proposal = retime_proposal(sequence, timeline)

    assert proposal.rate_mismatch == ""
    assert proposal.changes == ()


def test_an_empty_sequence_has_nothing_to_export(tmp_path):
    with pytest.raises(InterchangeError, match=r"^t has no shots: there is no cut to export\.$"):
        export(make_sequence_stub(), "edl")
    with pytest.raises(InterchangeError, match=r"^t has no shots"):
        export_otioz(make_sequence_stub(), tmp_path / "x.otioz")


def test_a_proposal_as_plain_data(tmp_path):
    sequence = make_sequence(tmp_path)

    def edit(track):
        set_frames(track[1], 60)
        track.append(otio.schema.Clip(name="ZZ", source_range=otio.opentime.TimeRange(
            otio.opentime.RationalTime(0, 24), otio.opentime.RationalTime(6, 24))))

    data = retime_proposal(sequence, edited(sequence, edit)).as_dict()

    assert json.loads(json.dumps(data)) == data
    assert data["changes"] == [{"shot_id": 12, "number": "1B", "old_frames": 48, "new_frames": 60,
                                "old_duration_s": "2.00", "new_duration_s": "2.50", "old_index": 1, "new_index": 1,
                                "version": 3}]
    assert data["unmatched"] == [{"index": 5, "name": "ZZ", "frames": 6, "duration_s": "0.25", "start_frame": 210,
                                  "reason": "no shot has this name, id or take", "shot_id": None}]
    assert data["order"] == [11, 12, 13, 14, 15]
    assert data["matched"][0] == {"shot_id": 11, "number": "1A", "clip_index": 0, "clip_name": "1A", "by": "id"}
