"""The sequence animatic (deliverables.animatic), rendered from a Sequence built by hand and read back with PyAV."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from fractions import Fraction

import av
import numpy as np
import pytest
from PIL import Image

from studio.deliverables import animatic, speech
from studio.deliverables.animatic import AnimaticOptions, Cue, render_animatic, srt_text, vtt_text
from studio.deliverables.sequence import Line, Media, Panel, Sequence, frame_rate, frames_for

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
RED, GREEN, BLUE = (210, 40, 40), (40, 190, 60), (40, 60, 200)
PLAIN = AnimaticOptions(width=320, captions=False, subtitles=False)
SR = 48000


def take(tmp_path, name: str, colour) -> Media:
    path = tmp_path / f"{name}.png"
    Image.new("RGB", (480, 270), colour).save(path)
    return Media(path=str(path), kind="image", width=480, height=270)


def panel(number: str, seconds: str, media: Media | None, fps: Fraction, lines=()) -> Panel:
    return Panel(shot_id=abs(hash(number)) % 10_000, number=number, scene_id=1, scene_number=1,
                 scene_heading="INT. LAMP ROOM - NIGHT", size="Medium shot", size_code="MS", angle="Eye level",
                 movement="Static", lens_mm=50, duration_s=Decimal(seconds), frames=frames_for(Decimal(seconds), fps),
                 action="The keeper climbs.", lines=tuple(lines), notes="", characters=("ELIN",), status="draft",
                 version=1, selected="approved" if media else "sketch", media=media)


def sequence(panels, fps: Fraction, aspect="2.39") -> Sequence:
    return Sequence(project_id=1, title="The Lighthouse", logline="", draft="", revision_colour="",
                    day=date(2026, 12, 4), aspect=Decimal(aspect), fps=fps, panels=tuple(panels))


def three_shots(tmp_path, fps=Fraction(24), lines=((), (), ())) -> Sequence:
    return sequence([panel("1A", "1.5", take(tmp_path, "red", RED), fps, lines[0]),
                     panel("2A", "2", take(tmp_path, "green", GREEN), fps, lines[1]),
                     panel("2B", "0.5", take(tmp_path, "blue", BLUE), fps, lines[2])], fps)


def video_frames(path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def audio_samples(path) -> np.ndarray:
    """The decoded audio track from sample 0 (frames placed by their pts)."""
    with av.open(str(path)) as container:
        chunks = [(frame.pts, frame.to_ndarray()[0]) for frame in container.decode(audio=0)]
    out = np.zeros(max(pts + len(x) for pts, x in chunks), dtype=np.float32)
    for pts, x in chunks:
        out[pts: pts + len(x)] = x
    return out


def centre(frame: np.ndarray) -> np.ndarray:
    h, w, _ = frame.shape
    return frame[h // 2 - 4: h // 2 + 4, w // 2 - 4: w // 2 + 4].reshape(-1, 3).mean(axis=0)


def assert_colour(frame, colour, tolerance=12):
    got = centre(frame)
    assert np.all(np.abs(got - np.array(colour)) <= tolerance), (got, colour)


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if len(x) else 0.0


def clock(samples: int, sep: str) -> str:
    ms = round(samples * 1000 / SR)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}{sep}{ms % 1000:03d}"


# --------------------------------------------------------------------------------------------- frames, colours

def test_three_shots_at_24_fps_have_exactly_96_frames_each_in_its_take_colour(tmp_path):
    seq = three_shots(tmp_path)
    assert seq.frames == 96
    result = render_animatic(seq, AnimaticOptions(width=320, captions=False, subtitles=False, speech=False),
                             tmp_path / "out.mp4")
    assert result.frames == 96
    assert result.seconds == 4
    assert (result.width, result.height) == (320, 134)
    with av.open(str(tmp_path / "out.mp4")) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.average_rate == 24
        assert stream.format.name == "yuv420p"
        assert container.streams.audio[0].codec_context.name == "aac"
        assert container.streams.audio[0].rate == 48000
    frames = video_frames(tmp_path / "out.mp4")
    assert len(frames) == 96
    for middle, colour in ((18, RED), (36 + 24, GREEN), (84 + 6, BLUE)):
        assert_colour(frames[middle], colour)
    # letterboxed: a 16:9 take in a 2.39 frame is pillarboxed with black
    assert np.all(frames[18][60, 2] < 16)


@pytest.mark.parametrize("rate", ["23.976", "25", "30"])
def test_other_rates_give_the_exact_rational_frame_count(tmp_path, rate):
    fps = frame_rate(rate)
    seq = three_shots(tmp_path, fps)
    expected = sum(frames_for(Decimal(s), fps) for s in ("1.5", "2", "0.5"))
    result = render_animatic(seq, AnimaticOptions(width=160, speech=False), tmp_path / "out.mp4")
    assert result.frames == expected == seq.frames
    with av.open(str(tmp_path / "out.mp4")) as container:
        stream = container.streams.video[0]
        assert stream.average_rate == fps
        assert sum(1 for _ in container.decode(stream)) == expected
    if rate == "23.976":
        assert fps == Fraction(24000, 1001)
        assert expected == 36 + 48 + 12


def two_colour_clip(path, rate: int, frames: int) -> None:
    """A clip of ``frames`` frames at ``rate``: red for the first half, blue for the second."""
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264" if "libx264" in av.codecs_available else "h264", rate=rate)
        stream.width, stream.height, stream.pix_fmt = 160, 90, "yuv420p"
        for i in range(frames):
            picture = np.full((90, 160, 3), RED if i < frames // 2 else BLUE, dtype=np.uint8)
            out.mux(stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")))
        out.mux(stream.encode(None))


def test_a_clip_plays_from_its_start_trimmed_or_held_on_its_last_frame(tmp_path):
    clip = tmp_path / "clip.mp4"
    two_colour_clip(clip, 24, 12)  # 6 red frames, then 6 blue
    media = Media(path=str(clip), kind="clip", width=160, height=90, frames=12, fps=24.0)
    fps = Fraction(24)
    seq = sequence([panel("1A", "1", media, fps),  # 24 frames: the clip's 12, then its last one held
                    panel("1B", "0.25", media, fps),  # 6 frames: trimmed to its red start
                    panel("1C", "0.5", take(tmp_path, "green", GREEN), fps)], fps, aspect="1.7778")
    result = render_animatic(seq, PLAIN, tmp_path / "out.mp4")
    frames = video_frames(tmp_path / "out.mp4")
    assert len(frames) == result.frames == 24 + 6 + 12
    for i in range(0, 5):
        assert_colour(frames[i], RED)
    for i in range(7, 24):
        assert_colour(frames[i], BLUE)
    for i in range(24, 29):
        assert_colour(frames[i], RED)
    assert_colour(frames[36], GREEN)
    assert result.warnings == []


def test_a_clip_at_another_rate_plays_in_its_own_time(tmp_path):
    clip = tmp_path / "clip30.mp4"
    two_colour_clip(clip, 30, 30)  # 1 s: red for 0.5 s, then blue
    fps = Fraction(24)
    media = Media(path=str(clip), kind="clip", width=160, height=90, frames=30, fps=30.0)
    result = render_animatic(sequence([panel("1A", "1.5", media, fps)], fps, aspect="1.7778"), PLAIN,
                             tmp_path / "out.mp4")
    frames = video_frames(tmp_path / "out.mp4")
    assert len(frames) == result.frames == 36
    for i in range(0, 11):
        assert_colour(frames[i], RED)
    for i in range(13, 36):
        assert_colour(frames[i], BLUE)


def test_a_panel_without_media_shows_its_sketch_and_an_unreadable_take_says_so(tmp_path):
    fps = Fraction(24)
    broken = Media(path=str(tmp_path / "gone.png"), kind="image", width=10, height=10)
    seq = sequence([panel("1A", "0.5", None, fps), panel("1B", "0.5", broken, fps)], fps)
    result = render_animatic(seq, PLAIN, tmp_path / "out.mp4")
    assert len(video_frames(tmp_path / "out.mp4")) == 24
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith("Shot 1B: the picture could not be read")


def test_progress_is_reported_at_most_every_24_frames_and_at_the_end(tmp_path):
    calls = []
    render_animatic(three_shots(tmp_path), AnimaticOptions(width=160, speech=False), tmp_path / "out.mp4",
                    on_progress=lambda done, total: calls.append((done, total)))
    assert calls == [(24, 96), (48, 96), (72, 96), (96, 96)]


# ----------------------------------------------------------------------------------------------- dialogue

@pytest.fixture(scope="module")
def spoken(tmp_path_factory):
    """Three shots with three lines: one in 1A, two in 2A (one after the other), none in 2B."""
    tmp = tmp_path_factory.mktemp("spoken")
    lines = ((Line("ELIN", "Nobody swims here."),), (Line("TOM", "Go."), Line("ELIN", "Now.", speed=200)), ())
    seq = three_shots(tmp, lines=lines)
    result = render_animatic(seq, PLAIN, tmp / "out.mp4")
    return seq, result, tmp


@needs_espeak
def test_dialogue_is_placed_from_each_shot_start_one_line_after_the_other(spoken):
    _seq, result, _ = spoken
    assert result.spoken
    assert result.warnings == []
    first, second, third = result.cues
    assert (first.start_frame, first.start_sample, first.speaker, first.text) == (0, 0, "ELIN", "Nobody swims here.")
    assert (second.start_frame, second.start_sample, second.speaker) == (36, 72000, "TOM")
    # the next line starts on the first frame at least 0.2 s after the previous one ends
    assert third.start_frame == -(-(second.end_sample + 9600) // 2000)
    assert third.start_sample == third.start_frame * 2000
    assert third.start_sample - second.end_sample >= 9600
    for cue in result.cues:
        assert cue.end_frame == -(-cue.end_sample // 2000)
    assert result.dialogue == [(c.start_frame, c.end_frame, c.speaker, c.text) for c in result.cues]


@needs_espeak
def test_the_audio_is_speech_inside_each_line_window_and_silence_outside(spoken):
    _seq, result, tmp = spoken
    audio = audio_samples(tmp / "out.mp4")
    assert len(audio) >= 4 * SR
    audio = audio[: 4 * SR]
    quiet = np.ones(len(audio), dtype=bool)
    for cue in result.cues:
        window = audio[cue.start_sample: cue.end_sample]
        assert rms(window) > 0.02, cue
        quiet[max(0, cue.start_sample - 1024): cue.end_sample + 1024] = False  # AAC spreads a frame's edge
    assert quiet.sum() > SR  # over a second of no dialogue
    assert rms(audio[quiet]) < 1e-3
    assert float(np.abs(audio[quiet]).max()) < 0.01


@needs_espeak
def test_the_vtt_and_srt_cues_are_the_line_windows(spoken):
    _seq, result, tmp = spoken
    assert result.vtt_path == str(tmp / "out.vtt")
    assert result.srt_path == str(tmp / "out.srt")
    names = ["ELIN", "TOM", "ELIN"]
    texts = ["Nobody swims here.", "Go.", "Now."]
    vtt = "WEBVTT\n\n" + "".join(
        f"{clock(c.start_sample, '.')} --> {clock(c.end_sample, '.')}\n<v {n}>{t}\n\n"
        for c, n, t in zip(result.cues, names, texts, strict=True))
    assert (tmp / "out.vtt").read_text() == vtt.rstrip("\n") + "\n"
    srt = "".join(f"{i}\n{clock(c.start_sample, ',')} --> {clock(c.end_sample, ',')}\n{n}: {t}\n\n"
                  for i, (c, n, t) in enumerate(zip(result.cues, names, texts, strict=True), 1))
    assert (tmp / "out.srt").read_text() == srt.rstrip("\n") + "\n"
    assert (tmp / "out.vtt").read_text().startswith("WEBVTT\n\n00:00:00.000 --> 00:00:01.")


def test_vtt_and_srt_are_formatted_per_their_specs():
    cues = [Cue(0, 30, 0, 59_471, "ELIN", "Nobody & <swims>", "1A"),
            Cue(0, 0, 3723 * SR + SR // 2, 3725 * SR, "", "No speaker", "9A")]
    assert vtt_text(cues) == ("WEBVTT\n\n00:00:00.000 --> 00:00:01.239\n<v ELIN>Nobody &amp; &lt;swims&gt;\n\n"
                              "01:02:03.500 --> 01:02:05.000\nNo speaker\n")
    assert srt_text(cues) == ("1\n00:00:00,000 --> 00:00:01,239\nELIN: Nobody & <swims>\n\n"
                              "2\n01:02:03,500 --> 01:02:05,000\nNo speaker\n")
    assert vtt_text([]) == "WEBVTT\n"
    assert srt_text([]) == ""


@needs_espeak
def test_a_line_longer_than_its_shot_is_not_cut_and_the_shot_gets_a_warning(tmp_path):
    fps = Fraction(24)
    long = Line("ELIN", "Nobody swims here after dark, not since the keeper's boy went under the pier.")
    seq = sequence([panel("2A", "1", take(tmp_path, "red", RED), fps, (long,)),
                    panel("2B", "6", take(tmp_path, "green", GREEN), fps)], fps)
    result = render_animatic(seq, PLAIN, tmp_path / "out.mp4")
    (cue,) = result.cues
    spoken_s = cue.end_sample / SR
    assert spoken_s > 2
    assert result.warnings == [
        f"Shot 2A: the dialogue runs {spoken_s - 1:.1f} s past the shot "
        f"({spoken_s:.1f} s of speech in 1.0 s)."]
    audio = audio_samples(tmp_path / "out.mp4")
    assert rms(audio[int(1.2 * SR): cue.end_sample]) > 0.02  # it plays on under 2B
    assert len(video_frames(tmp_path / "out.mp4")) == 24 * 7


def test_without_espeak_the_animatic_renders_silent_with_the_install_warning(tmp_path, monkeypatch):
    monkeypatch.setattr(speech, "espeak_path", lambda: None)
    lines = ((Line("ELIN", "Nobody swims here."),), (), ())
    result = render_animatic(three_shots(tmp_path, lines=lines), PLAIN, tmp_path / "out.mp4")
    assert result.frames == 96
    assert not result.spoken
    assert result.warnings == ["The animatic has no scratch dialogue: espeak-ng is not installed "
                               "(install espeak-ng: apt-get install espeak-ng)."]
    assert len(video_frames(tmp_path / "out.mp4")) == 96
    assert float(np.abs(audio_samples(tmp_path / "out.mp4")).max()) < 1e-4
    # the subtitles keep a reading time: 3 words at 175 a minute (at least a second): 1.029 s
    (cue,) = result.cues
    assert (cue.start_sample, cue.end_sample, cue.end_frame) == (0, 49371, 25)


def test_speech_off_is_silent_without_a_warning(tmp_path):
    lines = ((Line("ELIN", "Nobody swims here."),), (), ())
    result = render_animatic(three_shots(tmp_path, lines=lines), AnimaticOptions(width=160, speech=False),
                             tmp_path / "out.mp4")
    assert result.warnings == []
    assert not result.spoken
    assert len(result.cues) == 1


# ----------------------------------------------------------------------------------------------- burnt-in text

def test_captions_and_subtitles_are_burnt_in_away_from_the_picture_centre(tmp_path):
    lines = ((Line("ELIN", "Nobody swims here."),), (), ())
    result = render_animatic(three_shots(tmp_path, lines=lines),
                             AnimaticOptions(width=640, speech=False), tmp_path / "out.mp4")
    frames = video_frames(tmp_path / "out.mp4")
    assert len(frames) == 96
    height = result.height
    for middle, colour in ((18, RED), (60, GREEN), (90, BLUE)):
        assert_colour(frames[middle], colour)  # the centre is the take
        top = frames[middle][: height // 30]
        assert top.max() > 200
        assert np.all(top[:, 320].astype(int).sum(axis=-1) < sum(colour))
    bottom = slice(height * 3 // 4, height)
    assert frames[10][bottom].min(axis=-1).max() > 200  # white subtitle text while ELIN speaks (0 to 1 s)
    assert frames[60][bottom].min(axis=-1).max() < 150  # none in 2A
    assert not np.array_equal(frames[0][: height // 30], frames[1][: height // 30])  # the timecode moves


# ----------------------------------------------------------------------------------------------- options

def test_options_from_dict():
    assert AnimaticOptions.from_dict(None) == AnimaticOptions()
    assert AnimaticOptions.from_dict({"width": 640, "speech": False}) == AnimaticOptions(width=640, speech=False)
    with pytest.raises(ValueError, match=r"Unknown animatic option: colour \(known: captions, speech, subtitles, "
                                         r"width\)"):
        AnimaticOptions.from_dict({"colour": "red"})
    with pytest.raises(ValueError, match=r"width must be between 160 and 3840 pixels, not 20"):
        AnimaticOptions.from_dict({"width": 20})
    with pytest.raises(ValueError, match=r"width must be a whole number of pixels, not '640'"):
        AnimaticOptions.from_dict({"width": "640"})
    with pytest.raises(ValueError, match=r"captions must be true or false, not 'yes'"):
        AnimaticOptions.from_dict({"captions": "yes"})
    with pytest.raises(ValueError, match=r"must be an object"):
        AnimaticOptions.from_dict(["width"])


def test_the_frame_size_follows_the_aspect_and_is_even():
    assert AnimaticOptions().size(Decimal("2.39")) == (1280, 536)
    assert AnimaticOptions(width=1280).size(Decimal("1.78")) == (1280, 720)
    assert AnimaticOptions(width=321).size(Decimal("1.33")) == (320, 240)
    assert AnimaticOptions(width=640).size(Decimal("1")) == (640, 640)


def test_an_empty_sequence_is_refused(tmp_path):
    with pytest.raises(ValueError, match="no shots"):
        render_animatic(sequence([], Fraction(24)), PLAIN, tmp_path / "out.mp4")


def test_the_encoder_is_h264():
    assert animatic.video_encoder() in ("libx264", "h264", "libopenh264")


@needs_espeak
def test_cues_are_in_start_order_and_a_line_after_the_film_end_is_left_out_with_a_warning(tmp_path):
    fps = Fraction(24)
    first = Line("ELIN", "Nobody swims here after dark, not since the keeper's boy went under.")
    seq = sequence([panel("3A", "1", take(tmp_path, "red", RED), fps, (first, Line("TOM", "Never."))),
                    panel("3B", "2", take(tmp_path, "green", GREEN), fps, (Line("TOM", "Go."),))], fps)
    result = render_animatic(seq, PLAIN, tmp_path / "out.mp4")
    assert [(c.shot, c.speaker, c.text) for c in result.cues] == [("3A", "ELIN", first.text), ("3B", "TOM", "Go.")]
    assert result.cues[1].start_frame == 24
    assert result.cues[0].end_sample == 3 * SR  # cut at the end of the film
    assert result.warnings[0].startswith("Shot 3A: the dialogue runs ")
    assert result.warnings[0].endswith(" and is cut at the end of the film.")
    assert result.warnings[1:] == [
        "Shot 3A: TOM's line “Never.” would start after the end of the film; it is left out."]
    starts = [line.split(" --> ")[0] for line in (tmp_path / "out.vtt").read_text().splitlines() if " --> " in line]
    assert starts == sorted(starts) == ["00:00:00.000", "00:00:01.000"]


@needs_espeak
def test_a_line_in_an_unknown_voice_is_spoken_by_the_default_voice_with_a_warning(tmp_path):
    fps = Fraction(24)
    lines = (Line("ELIN", "Nobody swims here.", voice="xx-nope"), Line("ELIN", "Never.", voice="xx-nope"))
    seq = sequence([panel("5A", "4", take(tmp_path, "red", RED), fps, lines)], fps)
    result = render_animatic(seq, PLAIN, tmp_path / "out.mp4")
    assert result.warnings == ["ELIN: Unknown voice 'xx-nope': espeak-ng has no such voice (see espeak-ng --voices). "
                               "Spoken by the default voice instead."]
    audio = audio_samples(tmp_path / "out.mp4")
    for cue in result.cues:
        assert rms(audio[cue.start_sample: cue.end_sample]) > 0.02
