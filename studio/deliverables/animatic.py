"""The sequence animatic: every panel's selected take for the panel's frames, with scratch dialogue, as an
H.264 + AAC MP4 (PyAV; ffmpeg comes inside its wheel), and the dialogue as WebVTT and SRT beside it.

- Stills are held, clips play from their start (trimmed, or held on their last frame when shorter), a panel
  with no media shows its framing sketch; every picture is letterboxed into the output size.
- The file has exactly ``sequence.frames`` video frames at the exact rate (24000/1001 for 23.976).
- Frames are streamed: decoded, composed and encoded one at a time. Only the current panel's still (scaled
  to the output) is kept; a frame that does not change (a still, no captions) is converted once and re-sent.
- Each line of a panel is spoken (deliverables.speech) from the panel's first frame, the lines of one panel
  one after the other with a 0.2 s gap, each starting on a frame; speech that runs past its shot is not cut
  (it plays on under the next shot) and the shot gets a warning.

No Django here: ``render_animatic`` reads a ``Sequence`` and writes files.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import av
import numpy as np
from av.video.reformatter import VideoReformatter
from PIL import Image, ImageDraw, ImageFont, ImageOps

from studio.deliverables import speech
from studio.deliverables.sequence import Line, Panel, Sequence, timecode

SAMPLE_RATE = 48000
LINE_GAP_S = Fraction(1, 5)  # between two lines of one panel
PROGRESS_EVERY = 24  # frames
MIN_WIDTH, MAX_WIDTH = 160, 3840
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
NOTO = "/usr/share/fonts/truetype/noto/"
NOTO_CJK = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
BACKGROUND = (0, 0, 0)
# used when there is no speech: how long a line stays on screen (about espeak-ng's default pace)
READING_WPM = 175


# ----------------------------------------------------------------------------------------------- options, result

@dataclass(frozen=True)
class AnimaticOptions:
    width: int = 1280  # the height follows from the sequence's aspect, rounded to even
    captions: bool = True  # burn in the shot number and timecode
    subtitles: bool = True  # burn in the dialogue
    speech: bool = True  # scratch dialogue spoken by text-to-speech

    def __post_init__(self):
        if isinstance(self.width, bool) or not isinstance(self.width, int):
            raise ValueError(f"width must be a whole number of pixels, not {self.width!r}.")
        if not MIN_WIDTH <= self.width <= MAX_WIDTH:
            raise ValueError(f"width must be between {MIN_WIDTH} and {MAX_WIDTH} pixels, not {self.width}.")
        for name in ("captions", "subtitles", "speech"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be true or false, not {getattr(self, name)!r}.")

    @classmethod
    def from_dict(cls, data: dict | None) -> AnimaticOptions:
        """Options from a JSON object: unknown keys and wrong types are a ValueError that says which."""
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise ValueError("Animatic options must be an object.")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"Unknown animatic option{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)} "
                             f"(known: {', '.join(sorted(known))}).")
        return cls(**data)

    def size(self, aspect) -> tuple[int, int]:
        """(width, height) of the frame: both even (yuv420p), the height from ``aspect`` (width / height)."""
        width = self.width - self.width % 2
        height = max(2, int(Fraction(width) / Fraction(str(aspect)) / 2 + Fraction(1, 2)) * 2)
        return width, height


@dataclass(frozen=True)
class Cue:
    """A line's window in the cut: the samples its speech plays (or, without speech, its reading time)."""

    start_frame: int
    end_frame: int  # exclusive: the first frame after the speech
    start_sample: int  # at SAMPLE_RATE
    end_sample: int  # exclusive
    speaker: str
    text: str
    shot: str  # the panel's number

    @property
    def start_s(self) -> Fraction:
        return Fraction(self.start_sample, SAMPLE_RATE)

    @property
    def end_s(self) -> Fraction:
        return Fraction(self.end_sample, SAMPLE_RATE)


@dataclass
class AnimaticResult:
    path: str
    frames: int
    seconds: Fraction
    width: int
    height: int
    fps: Fraction
    encoder: str
    vtt_path: str
    srt_path: str
    warnings: list[str] = field(default_factory=list)
    cues: tuple[Cue, ...] = ()
    spoken: bool = False  # the audio track holds speech (False: silent, see warnings)

    @property
    def dialogue(self) -> list[tuple[int, int, str, str]]:
        """The dialogue windows as (start_frame, end_frame, speaker, text)."""
        return [(c.start_frame, c.end_frame, c.speaker, c.text) for c in self.cues]


# --------------------------------------------------------------------------------------------------- timing

def _samples_at(frame: int, fps: Fraction) -> int:
    """The first audio sample of ``frame``."""
    return int(Fraction(frame * SAMPLE_RATE) / fps + Fraction(1, 2))


def _frame_at_or_after(sample: int, fps: Fraction) -> int:
    """The first frame starting at or after ``sample``."""
    return math.ceil(Fraction(sample) * fps / SAMPLE_RATE)


def _seconds(value: Fraction | float) -> str:
    return f"{float(value):.1f} s"


def _clock(samples: int, separator: str) -> str:
    ms = (samples * 1000 + SAMPLE_RATE // 2) // SAMPLE_RATE
    seconds, ms = divmod(ms, 1000)
    minutes, ss = divmod(seconds, 60)
    hh, mm = divmod(minutes, 60)
    return f"{hh:02d}:{mm:02d}:{ss:02d}{separator}{ms:03d}"


def vtt_text(cues: tuple[Cue, ...] | list[Cue]) -> str:
    """WebVTT: the header, then one cue a line (``HH:MM:SS.mmm --> HH:MM:SS.mmm``), the speaker as a voice span."""
    out = ["WEBVTT", ""]
    for cue in cues:
        text = cue.text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        speaker = cue.speaker.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        out += [f"{_clock(cue.start_sample, '.')} --> {_clock(cue.end_sample, '.')}",
                f"<v {speaker}>{text}" if speaker else text, ""]
    return "\n".join(out)


def srt_text(cues: tuple[Cue, ...] | list[Cue]) -> str:
    """SubRip: index, ``HH:MM:SS,mmm --> HH:MM:SS,mmm``, the text ("SPEAKER: text"), a blank line."""
    out = []
    for index, cue in enumerate(cues, 1):
        out += [str(index), f"{_clock(cue.start_sample, ',')} --> {_clock(cue.end_sample, ',')}",
                f"{cue.speaker}: {cue.text}" if cue.speaker else cue.text, ""]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------------- speech

@dataclass
class _Spoken:
    cue: Cue
    samples: np.ndarray | None  # None: no speech (silent track)


def _trim(samples: np.ndarray, threshold: float = 2e-3) -> np.ndarray:
    """Without the silence before and after the voice (espeak-ng pads each line)."""
    loud = np.flatnonzero(np.abs(samples) > threshold)
    if len(loud) == 0:
        return samples[:0]
    return samples[loud[0]: loud[-1] + 1]


def _reading_samples(text: str) -> int:
    words = max(1, len(text.split()))
    return int(max(1.0, words * 60 / READING_WPM) * SAMPLE_RATE)


def _dialogue(sequence: Sequence, options: AnimaticOptions, voices_dir, warnings: list[str]) -> list[_Spoken]:
    """Each line spoken and placed: from its panel's first frame, one after the other, 0.2 s apart."""
    fps, total = sequence.fps, sequence.frames
    film_end = _samples_at(total, fps)
    gap = int(LINE_GAP_S * SAMPLE_RATE)
    can_speak = options.speech
    if can_speak and speech.espeak_path() is None:
        warnings.append(f"The animatic has no scratch dialogue: espeak-ng is not installed ({speech.INSTALL_HINT}).")
        can_speak = False
    told: set[str] = set()

    def once(message: str):
        if message not in told:
            told.add(message)
            warnings.append(message)

    todo = [line for panel in sequence.panels for line in panel.lines if line.text.strip()]
    if can_speak and todo:
        # espeak-ng runs as a process a line: a few at a time
        with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
            said = iter(list(pool.map(lambda line: _speak(line, voices_dir), todo)))
    else:
        said = iter([(None, [])] * len(todo))
    out: list[_Spoken] = []
    for panel, start in zip(sequence.panels, sequence.starts(), strict=True):
        lines = [line for line in panel.lines if line.text.strip()]
        if not lines:
            continue
        at_frame = start
        last_end = None
        spoken_any = False
        for line in lines:
            if last_end is not None:
                at_frame = _frame_at_or_after(last_end + gap, fps)
            at = _samples_at(at_frame, fps)
            samples, messages = next(said)
            for message in messages:
                once(message)
            spoken_any = spoken_any or samples is not None
            length = len(samples) if samples is not None and len(samples) else _reading_samples(line.text)
            end = at + length
            out.append(_Spoken(Cue(at_frame, 0, at, end, line.speaker, " ".join(line.text.split()), panel.number),
                               samples))
            last_end = end
        panel_end = _samples_at(start + panel.frames, fps)
        if last_end > panel_end and spoken_any:
            over = Fraction(last_end - panel_end, SAMPLE_RATE)
            spoken = Fraction(last_end - _samples_at(start, fps), SAMPLE_RATE)
            shot = Fraction(panel.frames) / fps
            where = " and is cut at the end of the film" if last_end > film_end else ""
            over = max(over, Fraction(1, 10))  # never "0.0 s past"
            warnings.append(f"Shot {panel.number}: the dialogue runs {_seconds(over)} past the shot "
                            f"({_seconds(spoken)} of speech in {_seconds(shot)}){where}.")
    # cut at the end of the film; frames of each window
    for item in out:
        cue = item.cue
        end_sample = min(cue.end_sample, film_end)
        if item.samples is not None:
            item.samples = item.samples[: max(0, end_sample - cue.start_sample)]
        end_frame = min(total, max(cue.start_frame + 1, _frame_at_or_after(end_sample, fps)))
        item.cue = Cue(cue.start_frame, end_frame, cue.start_sample, end_sample, cue.speaker, cue.text, cue.shot)
    # in the order they start (WebVTT asks it of its cues): a line running past its shot may start after the next
    # shot's first line
    out.sort(key=lambda item: (item.cue.start_sample, item.cue.end_sample))
    kept = [item for item in out if item.cue.start_sample < film_end]
    for item in out:
        if item.cue.start_sample >= film_end:
            who = f"{item.cue.speaker}'s line" if item.cue.speaker else "A line"
            text = item.cue.text if len(item.cue.text) <= 40 else item.cue.text[:39].rstrip() + "…"
            warnings.append(f"Shot {item.cue.shot}: {who} “{text}” would start after the end of the film; "
                            "it is left out.")
    return kept


def _speak(line: Line, voices_dir) -> tuple[np.ndarray | None, list[str]]:
    """The line's speech (None: no speech engine), and what to tell the user about it."""
    messages = []
    try:
        samples, notes = speech.speak(line.text, voice=line.voice, speed=line.speed, sample_rate=SAMPLE_RATE,
                                      voices_dir=voices_dir)
    except speech.SpeechUnavailable as exc:
        return None, [f"The animatic has no scratch dialogue: {exc}"]
    except speech.SpeechError as exc:
        who = line.speaker or "a line"
        messages.append(f"{who}: {exc} Spoken by the default voice instead.")
        try:
            samples, notes = speech.speak(line.text, sample_rate=SAMPLE_RATE)
        except (speech.SpeechError, speech.SpeechUnavailable) as again:
            return np.zeros(0, dtype=np.float32), [*messages, f"{who}: the line could not be spoken ({again})."]
    messages += [f"{line.speaker}: {note}" if line.speaker else note for note in notes]
    return _trim(samples), messages


class _Mixer:
    """The audio track, made a block at a time from the placed lines (never the whole film's samples)."""

    def __init__(self, spoken: list[_Spoken]):
        self.lines = sorted((s for s in spoken if s.samples is not None and len(s.samples)),
                            key=lambda s: s.cue.start_sample)
        self.next = 0
        self.active: list[_Spoken] = []

    def block(self, start: int, end: int) -> np.ndarray:
        out = np.zeros(end - start, dtype=np.float32)
        while self.next < len(self.lines) and self.lines[self.next].cue.start_sample < end:
            self.active.append(self.lines[self.next])
            self.next += 1
        keep = []
        for item in self.active:
            at = item.cue.start_sample
            samples = item.samples
            lo, hi = max(start, at), min(end, at + len(samples))
            if lo < hi:
                out[lo - start: hi - start] += samples[lo - at: hi - at]
            if at + len(samples) > end:
                keep.append(item)
        self.active = keep
        np.clip(out, -1.0, 1.0, out=out)
        return out


# ------------------------------------------------------------------------------------------------- pictures

def _has(text: str, lo: int, hi: int) -> bool:
    return any(lo <= ord(ch) <= hi for ch in text)


@lru_cache(maxsize=32)
def _font_file(path: str, size: int) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(path, size)
    except OSError:
        return ImageFont.load_default(size)


def font_for(text: str, size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    """DejaVu Sans, or the Noto font of the script ``text`` is written in when there is one."""
    candidates = []
    if _has(text, 0x0600, 0x06FF) or _has(text, 0x0750, 0x077F) or _has(text, 0xFB50, 0xFEFF):
        candidates.append(NOTO + "NotoSansArabic-Regular.ttf")
    if _has(text, 0x0590, 0x05FF):
        candidates.append(NOTO + "NotoSansHebrew-Regular.ttf")
    if _has(text, 0x0E00, 0x0E7F):
        candidates.append(NOTO + "NotoSansThai-Regular.ttf")
    if _has(text, 0x0900, 0x097F):
        candidates.append(NOTO + "NotoSansDevanagari-Regular.ttf")
    if _has(text, 0x3000, 0x9FFF) or _has(text, 0xAC00, 0xD7AF) or _has(text, 0xFF00, 0xFFEF):
        candidates.append(NOTO_CJK)
    candidates.append(FONT_BOLD if bold else FONT)
    for path in candidates:
        if os.path.exists(path):
            return _font_file(path, size)
    return _font_file(FONT, size)


def _fit(image: Image.Image, width: int, height: int) -> Image.Image:
    """``image`` letterboxed (or pillarboxed) into width × height on black, its aspect kept."""
    image = image.convert("RGB")
    if image.size == (width, height):
        return image
    scale = min(width / image.width, height / image.height)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    scaled = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    canvas = Image.new("RGB", (width, height), BACKGROUND)
    canvas.paste(scaled, ((width - size[0]) // 2, (height - size[1]) // 2))
    return canvas


def _fallback_sketch(panel: Panel, width: int, height: int) -> Image.Image:
    """A grey frame with the shot number and its camera (until deliverables.sketch's framing sketch is here)."""
    image = Image.new("RGB", (width, height), (96, 96, 96))
    draw = ImageDraw.Draw(image)
    big = font_for(panel.number, max(12, height // 5), bold=True)
    draw.text((width / 2, height / 2), panel.number, font=big, fill=(230, 230, 230), anchor="mm")
    small = font_for(panel.size_code, max(10, height // 16))
    draw.text((width / 2, height / 2 + height // 6), panel.camera, font=small, fill=(200, 200, 200), anchor="mt")
    return image


def _sketch(panel: Panel, width: int, height: int) -> Image.Image:
    try:
        from studio.deliverables.sketch import framing_sketch
    except ImportError:
        return _fallback_sketch(panel, width, height)
    return _fit(framing_sketch(panel, width, height), width, height)


def _still(path: str, width: int, height: int) -> Image.Image:
    with Image.open(path) as image:
        image.draft("RGB", (width, height))  # JPEG: decode at the smallest scale that still covers the frame
        image = ImageOps.exif_transpose(image)
        if image.mode in ("RGBA", "LA", "P"):
            image = image.convert("RGBA")
            flat = Image.new("RGB", image.size, BACKGROUND)
            flat.paste(image, mask=image.getchannel("A"))
            image = flat
        return _fit(image, width, height)


def _clip(path: str, frames: int, fps: Fraction, width: int, height: int) -> Iterator[np.ndarray]:
    """``frames`` frames of the clip at ``fps`` from its start: frame k shows the clip's picture at k / fps, the
    last one once the clip ends. Decoded one frame at a time."""
    with av.open(path) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        decoded = container.decode(stream)
        pending = next(decoded, None)
        if pending is None:
            raise ValueError("the clip has no frames")
        t0 = pending.time or 0.0
        tolerance = 0.25 / float(fps)
        current, picture = None, None
        for k in range(frames):
            t = k / float(fps)
            while pending is not None and (current is None or (pending.time or 0.0) - t0 <= t + tolerance):
                current, picture = pending, None
                try:
                    pending = next(decoded, None)
                except av.error.FFmpegError:  # a damaged tail: hold what played
                    pending = None
            if picture is None:
                scale = min(width / current.width, height / current.height)
                w = max(2, round(current.width * scale))
                h = max(2, round(current.height * scale))
                rgb = current.reformat(width=w, height=h, format="rgb24").to_ndarray()
                if (w, h) == (width, height):
                    picture = rgb
                else:
                    picture = np.zeros((height, width, 3), dtype=np.uint8)
                    y, x = (height - h) // 2, (width - w) // 2
                    picture[y: y + h, x: x + w] = rgb
            yield picture


class _OnScreen:
    """The windows (start, end, …) on screen at a sample, asked in increasing order: (index, …) of each."""

    def __init__(self, windows: list[tuple]):
        self.windows, self.next, self.active = windows, 0, []

    def at(self, sample: int) -> tuple[int, ...]:
        while self.next < len(self.windows) and self.windows[self.next][0] <= sample:
            self.active.append(self.next)
            self.next += 1
        self.active = [i for i in self.active if self.windows[i][1] > sample]
        return tuple(self.active)


class _Overlay:
    """The burnt-in text: the caption band (shot number left, timecode right) and the subtitles."""

    def __init__(self, width: int, height: int, fps: Fraction):
        self.width, self.height, self.fps = width, height, fps
        self.size = max(10, round(height / 24))
        self.pad = max(3, self.size // 3)
        self.band = _even(self.size + 2 * self.pad)  # even: the timecode patch is whole chroma pixels
        self.font = font_for("0", self.size, bold=True)
        self.reformatter = VideoReformatter()
        self.tc_width = min(width, _even(int(self.font.getlength("00:00:00:00")) + 2 * self.pad))

    def caption_base(self, picture: np.ndarray, panel: Panel, scene: str) -> None:
        """The band darkened and the shot label drawn, in place (once per panel)."""
        band = picture[: self.band]
        band[:] = (band.astype(np.uint16) * 2 // 5).astype(np.uint8)
        image = Image.fromarray(band)
        draw = ImageDraw.Draw(image)
        label = f"{panel.number}  ·  {scene}" if scene else panel.number
        font = font_for(label, self.size, bold=True)
        room = self.width - self.tc_width - 3 * self.pad
        while font.getlength(label) > room and len(label) > len(panel.number) + 1:
            label = label[:-2].rstrip() + "…"
        draw.text((self.pad, self.band / 2), label, font=font, fill=(255, 255, 255), anchor="lm")
        band[:] = np.asarray(image)

    def timecode(self, planes: np.ndarray, picture: np.ndarray, frame: int) -> None:
        """The frame's timecode in the band's right end, drawn on ``picture``'s band and written, as yuv420p, into
        ``planes`` (the frame's Y, U and V planes as PyAV lays them out), in place."""
        x0 = self.width - self.tc_width
        patch = Image.fromarray(picture[: self.band, x0:])
        ImageDraw.Draw(patch).text((self.tc_width - self.pad, self.band / 2), timecode(frame, self.fps),
                                   font=self.font, fill=(255, 255, 255), anchor="rm")
        frame_y, frame_u, frame_v = _planes(planes, self.width, self.height)
        patch_y, patch_u, patch_v = _planes(_to_yuv(np.asarray(patch), self.reformatter), self.tc_width, self.band)
        frame_y[: self.band, x0:] = patch_y
        frame_u[: self.band // 2, x0 // 2:] = patch_u
        frame_v[: self.band // 2, x0 // 2:] = patch_v

    def subtitles(self, picture: np.ndarray, texts: list[str]) -> None:
        """The lines on screen, centred at the bottom on a dark box, wrapped to the frame, in place."""
        size = max(10, round(self.height / 18))
        rows: list[tuple[str, ImageFont.FreeTypeFont]] = []
        for text in texts:
            font = font_for(text, size)
            rows += [(row, font) for row in _wrap(text, font, self.width * 0.86)]
        rows = rows[-4:]
        if not rows:
            return
        leading = round(size * 1.3)
        pad = max(4, size // 3)
        box_h = leading * len(rows) + 2 * pad
        box_w = min(self.width, int(max(font.getlength(row) for row, font in rows)) + 4 * pad)
        y0 = max(0, self.height - box_h - max(4, self.height // 20))
        x0 = (self.width - box_w) // 2
        region = picture[y0: y0 + box_h, x0: x0 + box_w]
        region[:] = (region.astype(np.uint16) * 3 // 10).astype(np.uint8)
        image = Image.fromarray(region)
        draw = ImageDraw.Draw(image)
        for n, (row, font) in enumerate(rows):
            draw.text((box_w / 2, pad + leading * n + leading / 2), row, font=font, fill=(255, 255, 255),
                      anchor="mm")
        region[:] = np.asarray(image)


def _even(n: int) -> int:
    return n + n % 2


def _to_yuv(rgb: np.ndarray, reformatter: VideoReformatter | None = None) -> np.ndarray:
    """An RGB picture as yuv420p, laid out as PyAV's ``to_ndarray`` gives it (Y, U, V one after the other).
    A reformatter kept from call to call keeps its swscale context (making one costs more than converting)."""
    frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
    if reformatter is None:
        return frame.reformat(format="yuv420p").to_ndarray()
    return reformatter.reformat(frame, format="yuv420p").to_ndarray()


def _planes(yuv: np.ndarray, width: int, height: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Views of the Y, U and V planes of a yuv420p array from ``_to_yuv``."""
    flat = yuv.reshape(-1)
    luma, chroma = width * height, (width // 2) * (height // 2)
    return (flat[:luma].reshape(height, width), flat[luma: luma + chroma].reshape(height // 2, width // 2),
            flat[luma + chroma: luma + 2 * chroma].reshape(height // 2, width // 2))


def _wrap(text: str, font: ImageFont.FreeTypeFont, room: float) -> list[str]:
    words, rows, row = text.split(), [], ""
    for word in words:
        attempt = f"{row} {word}".strip()
        if font.getlength(attempt) <= room or not row:
            row = attempt
        else:
            rows.append(row)
            row = word
    if row:
        rows.append(row)
    return rows


# --------------------------------------------------------------------------------------------------- encoder

def video_encoder() -> str:
    """The H.264 encoder this PyAV has: libx264, else the first other one that opens."""
    available = av.codecs_available
    for name in ("libx264", "h264", "libopenh264"):
        if name in available:
            try:
                av.codec.Codec(name, "w")
                return name
            except (av.error.FFmpegError, ValueError):
                continue
    raise RuntimeError("This PyAV build has no H.264 encoder.")


def render_animatic(sequence: Sequence, options: AnimaticOptions | None, out_path: str | os.PathLike, *,
                    on_progress: Callable[[int, int], None] | None = None,
                    voices_dir: str | os.PathLike | None = None) -> AnimaticResult:
    """Write the animatic of ``sequence`` to ``out_path`` (an .mp4) and its .vtt and .srt beside it."""
    options = options or AnimaticOptions()
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    width, height = options.size(sequence.aspect)
    fps = Fraction(sequence.fps)
    total = sequence.frames
    if total <= 0:
        raise ValueError("The sequence has no shots: there is nothing to render.")
    warnings: list[str] = []
    spoken = _dialogue(sequence, options, voices_dir, warnings)
    cues = tuple(item.cue for item in spoken)
    vtt, srt = out.with_suffix(".vtt"), out.with_suffix(".srt")
    vtt.write_text(vtt_text(cues), encoding="utf-8")
    srt.write_text(srt_text(cues), encoding="utf-8")

    encoder = video_encoder()
    mixer = _Mixer(spoken)
    overlay = _Overlay(width, height, fps)
    reformatter = VideoReformatter()
    film_end = _samples_at(total, fps)
    audio_done = 0
    done = 0
    with av.open(str(out), "w", format="mp4") as container:
        video = container.add_stream(encoder, rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.time_base = 1 / fps
        video.codec_context.time_base = 1 / fps
        if encoder == "libx264":
            video.options = {"preset": "veryfast", "crf": "20"}
        audio = container.add_stream("aac", rate=SAMPLE_RATE, layout="mono")
        audio.time_base = Fraction(1, SAMPLE_RATE)

        def send_audio(until: int):
            nonlocal audio_done
            while audio_done < until:
                step = min(until, audio_done + 4096) - audio_done
                block = mixer.block(audio_done, audio_done + step)
                frame = av.AudioFrame.from_ndarray(block.reshape(1, -1), format="fltp", layout="mono")
                frame.sample_rate, frame.pts, frame.time_base = SAMPLE_RATE, audio_done, Fraction(1, SAMPLE_RATE)
                container.mux(audio.encode(frame))
                audio_done += step

        windows = [(c.start_sample, c.end_sample, c.text, c.speaker) for c in cues]  # in start order
        on_screen = _OnScreen(windows)
        for panel, start in zip(sequence.panels, sequence.starts(), strict=True):
            scene = panel.scene_heading
            source, still = _panel_source(panel, start, fps, width, height, warnings)
            # a still's composition (its subtitles on screen, the picture with them, as yuv420p, as a frame)
            # is made once and re-sent while the subtitles on screen stay the same
            composition = None
            for k in range(panel.frames):
                frame_no = start + k
                picture = next(source) if still is None else still
                at = _samples_at(frame_no, fps)
                showing = on_screen.at(at) if options.subtitles else ()
                if still is None or composition is None or composition[0] != showing:
                    composed = picture.copy() if (options.captions or showing) else picture
                    if options.captions:
                        overlay.caption_base(composed, panel, scene)
                    if showing:
                        # two lines on screen at once (speech running into the next shot): say who speaks
                        overlay.subtitles(composed, [f"{windows[i][3]}: {windows[i][2]}"
                                                     if len(showing) > 1 and windows[i][3] else windows[i][2]
                                                     for i in showing])
                    yuv = _to_yuv(composed, reformatter)
                    composition = (showing, composed, yuv, None)
                _, composed, yuv, ready = composition
                if options.captions:
                    planes = yuv.copy()
                    overlay.timecode(planes, composed, frame_no)
                    vframe = av.VideoFrame.from_ndarray(planes, format="yuv420p")
                elif ready is not None:
                    vframe = ready
                else:
                    vframe = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
                    composition = (showing, composed, yuv, vframe)  # the encoder copies the picture it is sent
                vframe.pts, vframe.time_base = frame_no, 1 / fps
                container.mux(video.encode(vframe))
                send_audio(min(film_end, _samples_at(frame_no + 1, fps)))
                done += 1
                if on_progress and (done % PROGRESS_EVERY == 0 or done == total):
                    on_progress(done, total)
            if hasattr(source, "close"):
                source.close()
        send_audio(film_end)
        container.mux(video.encode(None))
        container.mux(audio.encode(None))
    return AnimaticResult(path=str(out), frames=done, seconds=Fraction(done) / fps, width=width, height=height,
                          fps=fps, encoder=encoder, vtt_path=str(vtt), srt_path=str(srt), warnings=warnings,
                          cues=cues, spoken=bool(mixer.lines))


def _panel_source(panel: Panel, start: int, fps: Fraction, width: int, height: int,
                  warnings: list[str]) -> tuple[Iterator[np.ndarray], np.ndarray | None]:
    """(an iterator of the panel's pictures, or the one still picture held for the whole panel)."""
    media = panel.media
    if media is not None and media.kind == "clip":
        source = _clip(media.path, panel.frames, fps, width, height)
        try:
            first = next(source)
        except (OSError, ValueError, av.error.FFmpegError, StopIteration) as exc:
            warnings.append(f"Shot {panel.number}: the clip could not be read ({exc}); its sketch is shown.")
        else:
            def chained():
                try:
                    yield first
                    yield from source
                finally:
                    source.close()  # a trimmed clip: its file is closed as the panel ends
            return chained(), None
    elif media is not None:
        try:
            return iter(()), np.asarray(_still(media.path, width, height))
        except (OSError, ValueError, Image.DecompressionBombError) as exc:
            warnings.append(f"Shot {panel.number}: the picture could not be read ({exc}); its sketch is shown.")
    return iter(()), np.asarray(_sketch(panel, width, height))
