"""Scratch dialogue (deliverables.speech): espeak-ng offline, Piper voices when present, clear errors."""

from __future__ import annotations

import shutil
import sys
import textwrap

import numpy as np
import pytest

from studio.deliverables import speech

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
LINE = "Nobody swims here after dark."


@needs_espeak
def test_synthesize_returns_audio_at_the_asked_rate():
    at_48k = speech.synthesize(LINE)
    at_16k = speech.synthesize(LINE, sample_rate=16000)
    for samples in (at_48k, at_16k):
        assert samples.dtype == np.float32
        assert samples.ndim == 1
        assert float(np.abs(samples).max()) > 0.05
    assert 1.0 < len(at_48k) / 48000 < 5.0  # a short sentence
    assert len(at_48k) / len(at_16k) == pytest.approx(3.0, rel=0.001)


@needs_espeak
def test_a_faster_speed_gives_shorter_audio():
    slow = speech.synthesize(LINE, speed=120)
    fast = speech.synthesize(LINE, speed=320)
    assert len(fast) < 0.7 * len(slow)


@needs_espeak
def test_a_voice_is_chosen_by_name():
    assert len(speech.synthesize(LINE, voice="en-gb")) > 0
    assert len(speech.synthesize(LINE, voice="en-us+f3")) > 0  # a variant


@needs_espeak
def test_an_unknown_voice_is_a_clear_error():
    with pytest.raises(speech.SpeechError, match=r"Unknown voice 'xx-nope': espeak-ng has no such voice"):
        speech.synthesize(LINE, voice="xx-nope")


@needs_espeak
def test_a_speed_out_of_range_is_a_clear_error():
    with pytest.raises(speech.SpeechError, match=r"Speed 20 words a minute is out of range \(80 to 450"):
        speech.synthesize(LINE, speed=20)


@needs_espeak
def test_voices_lists_espeak_voices():
    names = {voice.name: voice for voice in speech.voices()}
    assert "en-us" in names
    assert "en-gb" in names
    assert names["en-us"].label == "English (America)"
    assert len(names) > 20


@needs_espeak
def test_empty_text_is_no_audio():
    assert len(speech.synthesize("   ")) == 0


def test_without_espeak_the_error_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(speech, "espeak_path", lambda: None)
    with pytest.raises(speech.SpeechUnavailable, match=r"install espeak-ng: apt-get install espeak-ng"):
        speech.synthesize(LINE)
    with pytest.raises(speech.SpeechUnavailable):
        speech.voices()


@needs_espeak
def test_a_piper_voice_without_piper_falls_back_to_espeak_with_a_warning(tmp_path, monkeypatch):
    (tmp_path / "lea.onnx").write_bytes(b"not a model")
    monkeypatch.setattr(speech, "piper_path", lambda: None)
    samples, warnings = speech.speak(LINE, voice="piper:lea", voices_dir=tmp_path)
    assert len(samples) > 0
    assert warnings == ["Piper is not installed (no piper on PATH); voice 'lea' spoken by espeak-ng (en-us)."]
    samples, warnings = speech.speak(LINE, voice="piper:absent", voices_dir=tmp_path)
    assert len(samples) > 0
    assert warnings == [
        "Piper voice 'absent' is not in the voices folder; spoken by espeak-ng (en-us)."]
    _, warnings = speech.speak(LINE, voice="piper:lea", voices_dir=None)
    assert "no voices folder (STUDIO_TTS_VOICES)" in warnings[0]


def test_a_piper_voice_is_spoken_by_piper_when_present(tmp_path, monkeypatch):
    """A stand-in ``piper`` (it writes half a second of a 440 Hz tone at 22,050 Hz) is run with the model."""
    (tmp_path / "lea.onnx").write_bytes(b"model")
    fake = tmp_path / "piper"
    fake.write_text(textwrap.dedent(f"""\
        #!{sys.executable}
        import sys, wave, math, struct
        args = sys.argv[1:]
        assert args[args.index("--model") + 1].endswith("lea.onnx")
        text = sys.stdin.read()
        assert text == "Hello there."
        with wave.open(args[args.index("--output_file") + 1], "wb") as out:
            out.setnchannels(1); out.setsampwidth(2); out.setframerate(22050)
            out.writeframes(b"".join(struct.pack("<h", int(12000 * math.sin(2 * math.pi * 440 * i / 22050)))
                                     for i in range(11025)))
        """))
    fake.chmod(0o755)
    monkeypatch.setattr(speech, "piper_path", lambda: str(fake))
    samples, warnings = speech.speak("Hello there.", voice="piper:lea", voices_dir=tmp_path, sample_rate=48000)
    assert warnings == []
    assert len(samples) == 24000
    assert float(np.abs(samples).max()) == pytest.approx(12000 / 32768, abs=0.01)


def test_resample_keeps_the_duration():
    tone = np.sin(np.arange(22050) / 22050 * 2 * np.pi * 100).astype(np.float32)
    out = speech.resample(tone, 22050, 48000)
    assert out.dtype == np.float32
    assert len(out) == 48000
    assert speech.resample(tone, 22050, 22050) is tone


@needs_espeak
def test_a_voice_may_be_named_by_its_file():
    assert len(speech.synthesize("Hello.", voice="gmw/en-US")) > 0
    assert len(speech.synthesize("Hello.", voice="EN-GB")) > 0
