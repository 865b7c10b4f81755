"""Scratch dialogue, offline: a line of text spoken by a text-to-speech voice, as float32 mono samples.

The default voice is espeak-ng's (Debian's ``espeak-ng`` package: no weights, no network). A voice named
``piper:<name>`` is a Piper voice, ``<voices_dir>/<name>.onnx`` (``STUDIO_TTS_VOICES``, passed in by the
caller), spoken through a ``piper`` executable when one is on PATH; without it (or without the model) the
line is spoken by espeak-ng and a warning says so, never an error.

No Django here: the caller passes the folder of Piper voices.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

DEFAULT_VOICE = "en-us"
INSTALL_HINT = "install espeak-ng: apt-get install espeak-ng"
TIMEOUT_S = 60


class SpeechError(ValueError):
    """A line could not be spoken as asked (an unknown voice, a speed out of range)."""


class SpeechUnavailable(RuntimeError):
    """No speech engine on this machine."""


@dataclass(frozen=True)
class Voice:
    name: str  # what ``synthesize(voice=…)`` takes: "en-us"
    language: str
    gender: str  # "M", "F" or ""
    label: str  # "English (America)"


def espeak_path() -> str | None:
    """The espeak-ng executable, or None (looked up on every call: tests monkeypatch it)."""
    return shutil.which("espeak-ng")


def piper_path() -> str | None:
    return shutil.which("piper")


def _espeak() -> str:
    path = espeak_path()
    if not path:
        raise SpeechUnavailable(f"No speech engine: espeak-ng is not installed ({INSTALL_HINT}).")
    return path


def voices() -> list[Voice]:
    """espeak-ng's voices (``espeak-ng --voices``), one per name, for the cast's voice picker."""
    return list(_voices(_espeak()))


@lru_cache(maxsize=4)
def _voices(executable: str) -> tuple[Voice, ...]:
    out = subprocess.run([executable, "--voices"], capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    found: dict[str, Voice] = {}
    for row in out.stdout.splitlines()[1:]:
        # "Pty Language Age/Gender VoiceName File Other Languages"
        parts = row.split()
        if len(parts) < 5:
            continue
        language, age_gender, label = parts[1], parts[2], parts[3]
        gender = age_gender.rsplit("/", 1)[-1] if "/" in age_gender else ""
        if language not in found:
            found[language] = Voice(language, language, gender if gender in ("M", "F") else "",
                                    label.replace("_", " "))
    return tuple(found.values())


@lru_cache(maxsize=4)
def _names(executable: str) -> frozenset[str]:
    """Every name ``-v`` takes: the languages, the voice files ("gmw/en-US", "en-US") and the voice names."""
    out = subprocess.run([executable, "--voices"], capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    names = set()
    for row in out.stdout.splitlines()[1:]:
        parts = row.split()
        if len(parts) >= 5:
            names.update({parts[1].lower(), parts[3].lower(), parts[4].lower(), parts[4].rsplit("/", 1)[-1].lower()})
    return frozenset(names)


def _known(voice: str) -> bool:
    """Whether espeak-ng has ``voice`` (a language such as "en-us", a voice file or name, optionally with a
    variant: "en-us+f3")."""
    return voice.split("+", 1)[0].lower() in _names(_espeak())


def _read_wav(data: bytes) -> tuple[np.ndarray, int]:
    """Samples (float32 in [-1, 1], mono) and rate of a PCM WAV; espeak-ng's --stdout header gives no length."""
    with wave.open(io.BytesIO(data)) as wav:
        rate, channels, width = wav.getframerate(), wav.getnchannels(), wav.getsampwidth()
        raw = wav.readframes(wav.getnframes())
    if width == 2:
        samples = np.frombuffer(raw[: len(raw) // 2 * 2], dtype="<i2").astype(np.float32) / 32768.0
    elif width == 1:
        samples = (np.frombuffer(raw, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    elif width == 4:
        samples = np.frombuffer(raw[: len(raw) // 4 * 4], dtype="<i4").astype(np.float32) / 2147483648.0
    else:
        raise SpeechError(f"Unsupported WAV sample width: {width} bytes.")
    if channels > 1:
        samples = samples[: len(samples) // channels * channels].reshape(-1, channels).mean(axis=1)
    return samples.astype(np.float32), rate


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """``samples`` at ``rate`` resampled to ``target`` Hz by linear interpolation."""
    if rate == target or len(samples) == 0:
        return samples.astype(np.float32, copy=False)
    n = max(1, round(len(samples) * target / rate))
    positions = np.arange(n, dtype=np.float64) * (rate / target)
    return np.interp(positions, np.arange(len(samples), dtype=np.float64), samples).astype(np.float32)


def _speak_espeak(text: str, voice: str, speed: int) -> tuple[np.ndarray, int]:
    executable = _espeak()
    voice = voice or DEFAULT_VOICE
    if not _known(voice):
        raise SpeechError(f"Unknown voice {voice!r}: espeak-ng has no such voice (see espeak-ng --voices).")
    command = [executable, "--stdout", "-v", voice]
    if speed:
        command += ["-s", str(speed)]
    # the text on stdin: a line starting with "-" is not an option, and nothing is read as a file name
    out = subprocess.run(command, input=text.encode("utf-8"), capture_output=True, timeout=TIMEOUT_S,
                         check=False)
    if out.returncode != 0 or len(out.stdout) <= 44:
        message = out.stderr.decode("utf-8", "replace").strip() or f"exit status {out.returncode}"
        raise SpeechError(f"espeak-ng could not speak with voice {voice!r}: {message}")
    return _read_wav(out.stdout)


def _speak_piper(text: str, model: str, speed: int) -> tuple[np.ndarray, int]:
    with tempfile.TemporaryDirectory(prefix="studio-piper-") as tmp:
        target = os.path.join(tmp, "line.wav")
        command = [piper_path() or "piper", "--model", model, "--output_file", target]
        if speed:
            # Piper's length scale: 1.0 is its normal pace (about 160 words a minute)
            command += ["--length_scale", f"{max(0.25, min(4.0, 160 / speed)):.3f}"]
        out = subprocess.run(command, input=text.encode("utf-8"), capture_output=True, timeout=TIMEOUT_S,
                             check=False)
        if out.returncode != 0 or not os.path.exists(target):
            raise SpeechError(f"piper failed: {out.stderr.decode('utf-8', 'replace').strip()[-300:]}")
        with open(target, "rb") as fh:
            return _read_wav(fh.read())


def speak(text: str, *, voice: str = "", speed: int = 0, sample_rate: int = 48000,
          voices_dir: str | os.PathLike | None = None) -> tuple[np.ndarray, list[str]]:
    """``text`` spoken, with the warnings met on the way (a Piper voice spoken by espeak-ng instead)."""
    if speed and not 80 <= speed <= 450:
        raise SpeechError(f"Speed {speed} words a minute is out of range (80 to 450, or 0 for the voice's own).")
    warnings: list[str] = []
    text = " ".join(text.split())
    if not text:
        return np.zeros(0, dtype=np.float32), warnings
    if voice.startswith("piper:"):
        name = voice.split(":", 1)[1]
        model = os.path.join(os.fspath(voices_dir), f"{name}.onnx") if voices_dir else ""
        if not name or "/" in name or "\\" in name or name.startswith("."):
            warnings.append(f"Piper voice {name!r} is not a voice name; spoken by espeak-ng ({DEFAULT_VOICE}).")
        elif not voices_dir:
            warnings.append(f"Piper voice {name!r}: no voices folder (STUDIO_TTS_VOICES) is set; "
                            f"spoken by espeak-ng ({DEFAULT_VOICE}).")
        elif not os.path.isfile(model):
            warnings.append(f"Piper voice {name!r} is not in the voices folder; spoken by espeak-ng "
                            f"({DEFAULT_VOICE}).")
        elif not piper_path():
            warnings.append(f"Piper is not installed (no piper on PATH); voice {name!r} spoken by espeak-ng "
                            f"({DEFAULT_VOICE}).")
        else:
            try:
                samples, rate = _speak_piper(text, model, speed)
                return resample(samples, rate, sample_rate), warnings
            except (SpeechError, OSError, subprocess.TimeoutExpired, wave.Error) as exc:
                warnings.append(f"Piper voice {name!r} failed ({exc}); spoken by espeak-ng ({DEFAULT_VOICE}).")
        voice = DEFAULT_VOICE
    try:
        samples, rate = _speak_espeak(text, voice, speed)
    except (wave.Error, EOFError) as exc:
        raise SpeechError(f"espeak-ng gave no readable audio: {exc}") from exc
    except subprocess.TimeoutExpired as exc:
        raise SpeechError(f"espeak-ng took over {TIMEOUT_S} s on one line.") from exc
    return resample(samples, rate, sample_rate), warnings


def synthesize(text: str, *, voice: str = "", speed: int = 0, sample_rate: int = 48000,
               voices_dir: str | os.PathLike | None = None) -> np.ndarray:
    """``text`` spoken by ``voice`` ("" = en-us; an espeak-ng voice, or "piper:<name>") at ``speed`` words a
    minute (0 = the voice's default), as float32 mono samples at ``sample_rate``.

    Raises SpeechUnavailable when espeak-ng is missing, SpeechError for an unknown voice or a bad speed."""
    samples, _ = speak(text, voice=voice, speed=speed, sample_rate=sample_rate, voices_dir=voices_dir)
    return samples
