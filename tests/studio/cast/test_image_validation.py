"""studio.core.images.clean_image_upload: real images only, bounded, re-encoded without their metadata."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image, PngImagePlugin

from studio.core.images import THUMBNAIL_SIZE, clean_image_upload
from tests.studio.cast.conftest import (
    BLUE,
    IMAGE_DESCRIPTION,
    MAKE,
    ORIENTATION,
    RED,
    decoded,
    encode,
    jpeg_with_exif,
    noisy_png,
    png_claiming,
    two_tone,
    upload,
)

MB = 1024 * 1024
LIMITS = {"max_bytes": 10 * MB, "max_pixels": 40_000_000}
NOT_AN_IMAGE = "This file is not an image Previz Studio can read (PNG, JPEG or WebP)."
DAMAGED = "The image is damaged or truncated."


def refusal(data_or_upload, **limits) -> dict:
    """The field errors clean_image_upload raises for this input (the test fails if it raises none)."""
    file = upload(data_or_upload) if isinstance(data_or_upload, bytes) else data_or_upload
    with pytest.raises(ValidationError) as caught:
        clean_image_upload(file, **{**LIMITS, **limits})
    return caught.value.message_dict


# --- What comes out ---------------------------------------------------------


def test_png_is_re_encoded_as_png_with_the_same_pixels():
    # given a two-tone PNG
    original = two_tone((40, 20))

    # when it is cleaned
    clean = clean_image_upload(upload(encode(original, "PNG")), **LIMITS)

    # then the content is a PNG of the same size and pixels, and the thumbnail a JPEG of it
    assert (clean.extension, clean.width, clean.height) == ("png", 40, 20)
    stored = decoded(clean.content.read())
    assert (stored.format, stored.size, stored.mode) == ("PNG", (40, 20), "RGB")
    assert stored.tobytes() == original.tobytes()
    thumb = decoded(clean.thumbnail.read())
    assert (thumb.format, thumb.size, thumb.mode) == ("JPEG", (40, 20), "RGB")


def test_jpeg_is_re_encoded_as_jpeg():
    # given a JPEG
    data = encode(Image.new("RGB", (30, 50), RED), "JPEG")

    # when it is cleaned
    clean = clean_image_upload(upload(data, "photo.jpeg", "image/jpeg"), **LIMITS)

    # then it stays a JPEG of the same size
    assert (clean.extension, clean.width, clean.height) == ("jpg", 30, 50)
    stored = decoded(clean.content.read())
    assert (stored.format, stored.size, stored.mode) == ("JPEG", (30, 50), "RGB")


def test_webp_is_re_encoded_losslessly_as_webp():
    # given a WebP
    original = two_tone((24, 16))

    # when it is cleaned
    clean = clean_image_upload(upload(encode(original, "WEBP", lossless=True), "x.webp", "image/webp"), **LIMITS)

    # then it is a WebP with exactly the same pixels
    assert (clean.extension, clean.width, clean.height) == ("webp", 24, 16)
    stored = decoded(clean.content.read())
    assert (stored.format, stored.size) == ("WEBP", (24, 16))
    assert stored.convert("RGB").tobytes() == original.tobytes()


def test_the_format_comes_from_the_bytes_not_from_the_name_or_content_type():
    # given JPEG bytes sent as "picture.png", image/png
    data = encode(Image.new("RGB", (8, 8), RED), "JPEG")

    # when it is cleaned
    clean = clean_image_upload(upload(data, "picture.png", "image/png"), **LIMITS)

    # then it is treated as the JPEG it is
    assert clean.extension == "jpg"
    assert decoded(clean.content.read()).format == "JPEG"


def test_exif_metadata_is_stripped_from_a_jpeg():
    # given a JPEG whose EXIF names the camera and where it was taken
    data = jpeg_with_exif(description="Taken at 59.91N 10.75E")
    before = Image.open(io.BytesIO(data)).getexif()
    assert (before[IMAGE_DESCRIPTION], before[MAKE]) == ("Taken at 59.91N 10.75E", "SecretCam")

    # when it is cleaned
    clean = clean_image_upload(upload(data, "photo.jpg", "image/jpeg"), **LIMITS)

    # then neither the stored image nor its thumbnail carries any EXIF
    stored_bytes = clean.content.read()
    thumb_bytes = clean.thumbnail.read()
    for out in (stored_bytes, thumb_bytes):
        image = Image.open(io.BytesIO(out))
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info
        assert b"59.91N" not in out
        assert b"SecretCam" not in out


def test_exif_orientation_is_applied_and_then_dropped():
    # given a 40×20 JPEG, red left and blue right, tagged "rotate 90° clockwise to show" (orientation 6)
    data = jpeg_with_exif(size=(40, 20), orientation=6)

    # when it is cleaned
    clean = clean_image_upload(upload(data, "photo.jpg", "image/jpeg"), **LIMITS)

    # then it is stored upright, 20×40: the red half on top, the blue half below, with no orientation left
    assert (clean.width, clean.height) == (20, 40)
    stored = decoded(clean.content.read())
    assert stored.size == (20, 40)
    assert ORIENTATION not in stored.getexif()
    top, bottom = stored.getpixel((10, 5)), stored.getpixel((10, 35))
    assert top[0] > 150 > top[2]
    assert bottom[2] > 150 > bottom[0]
    assert decoded(clean.thumbnail.read()).size == (20, 40)


def test_exif_orientation_of_a_png_is_applied_exactly():
    # given a lossless 40×20 PNG, red left and blue right, with an eXIf chunk saying orientation 6
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    data = encode(two_tone((40, 20)), "PNG", exif=exif.tobytes())

    # when it is cleaned
    clean = clean_image_upload(upload(data), **LIMITS)

    # then the stored pixels are the original turned 90° clockwise
    stored = decoded(clean.content.read())
    assert stored.size == (20, 40)
    assert stored.tobytes() == two_tone((40, 20)).transpose(Image.Transpose.ROTATE_270).tobytes()
    assert stored.getpixel((0, 0)) == RED
    assert stored.getpixel((19, 39)) == BLUE


def test_png_text_chunks_and_data_after_the_image_are_dropped():
    # given a PNG with an author text chunk and bytes smuggled after its end
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Agent Smith")
    data = encode(Image.new("RGB", (16, 16), RED), "PNG", pnginfo=info) + b"<script>alert(1)</script>"

    # when it is cleaned
    clean = clean_image_upload(upload(data), **LIMITS)

    # then the stored PNG has neither
    out = clean.content.read()
    assert b"Agent Smith" not in out
    assert b"<script>" not in out
    assert "Author" not in decoded(out).info
    assert out.endswith(b"IEND\xaeB`\x82")


def test_transparency_is_kept_in_the_image_and_flattened_in_the_thumbnail():
    # given an RGBA PNG whose right half is fully transparent
    image = Image.new("RGBA", (20, 10), (*RED, 255))
    image.paste((0, 0, 0, 0), (10, 0, 20, 10))

    # when it is cleaned
    clean = clean_image_upload(upload(encode(image, "PNG")), **LIMITS)

    # then the stored PNG keeps its alpha, and the thumbnail is a plain RGB JPEG
    stored = decoded(clean.content.read())
    assert stored.mode == "RGBA"
    assert stored.getpixel((2, 2)) == (*RED, 255)
    assert stored.getpixel((15, 2)) == (0, 0, 0, 0)
    assert decoded(clean.thumbnail.read()).mode == "RGB"


def test_a_palette_png_with_a_transparent_colour_becomes_rgba():
    # given a palette PNG whose colour 0 is transparent
    image = Image.new("P", (10, 10), 0)
    image.putpalette([*RED, *BLUE] + [0] * (256 * 3 - 6))
    image.paste(1, (5, 0, 10, 10))
    data = encode(image, "PNG", transparency=0)

    # when it is cleaned
    clean = clean_image_upload(upload(data), **LIMITS)

    # then the stored image is RGBA: transparent where colour 0 was, opaque blue elsewhere
    stored = decoded(clean.content.read())
    assert stored.mode == "RGBA"
    assert stored.getpixel((1, 1))[3] == 0
    assert stored.getpixel((8, 8)) == (*BLUE, 255)


def test_an_animated_png_keeps_only_its_first_frame():
    # given a two-frame animated PNG: red, then blue
    frames = [Image.new("RGB", (12, 12), RED), Image.new("RGB", (12, 12), BLUE)]
    data = encode(frames[0], "PNG", save_all=True, append_images=frames[1:])
    assert Image.open(io.BytesIO(data)).n_frames == 2

    # when it is cleaned
    clean = clean_image_upload(upload(data), **LIMITS)

    # then a still PNG of the first frame is stored
    stored = decoded(clean.content.read())
    assert getattr(stored, "n_frames", 1) == 1
    assert stored.getpixel((6, 6)) == RED


@pytest.mark.parametrize(
    ("size", "thumbnail"),
    [
        ((1000, 500), (320, 160)),
        ((400, 1000), (128, 320)),
        ((320, 320), (320, 320)),
        ((100, 50), (100, 50)),
    ],
)
def test_the_thumbnail_fits_in_320_pixels_keeping_the_aspect_and_never_grows(size, thumbnail):
    # given an image of some size
    data = encode(Image.new("RGB", size, RED), "PNG")

    # when it is cleaned
    clean = clean_image_upload(upload(data), **LIMITS)

    # then the image keeps its size and the thumbnail fits in 320×320
    assert THUMBNAIL_SIZE == (320, 320)
    assert (clean.width, clean.height) == size
    assert decoded(clean.content.read()).size == size
    assert decoded(clean.thumbnail.read()).size == thumbnail


# --- What is refused ----------------------------------------------------------


def test_no_file_is_refused():
    assert refusal(None) == {"image": ["No file was sent."]}


def test_an_empty_file_is_refused():
    assert refusal(b"") == {"image": ["The file is empty."]}


def test_a_file_over_the_byte_limit_is_refused_before_it_is_read():
    # given 1.5 MB (a valid PNG padded with trailing bytes) against a 1 MB limit
    data = encode(Image.new("RGB", (8, 8), RED), "PNG")
    data += b"\0" * (3 * MB // 2 - len(data))

    # then
    assert refusal(data, max_bytes=MB) == {"image": ["The file is 1.5 MB (1,572,864 bytes); the limit is 1 MB."]}


def test_a_file_of_exactly_the_byte_limit_is_accepted():
    # given a PNG and a limit of exactly its size
    data = encode(Image.new("RGB", (8, 8), RED), "PNG")

    # when
    clean = clean_image_upload(upload(data), max_bytes=len(data), max_pixels=LIMITS["max_pixels"])

    # then
    assert (clean.width, clean.height) == (8, 8)


def test_the_error_names_the_field_it_is_told():
    with pytest.raises(ValidationError) as caught:
        clean_image_upload(upload(b"hello"), field="avatar", **LIMITS)
    assert caught.value.message_dict == {"avatar": [NOT_AN_IMAGE]}


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"just some text, not a picture\n", id="text"),
        pytest.param(b"%PDF-1.7\n1 0 obj << >> endobj\n", id="pdf"),
        pytest.param(b"\x89PNG\r\n\x1a\n", id="png signature only"),
        pytest.param(b"<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>", id="svg"),
    ],
)
def test_something_that_is_not_an_image_is_refused(data):
    assert refusal(data) == {"image": [NOT_AN_IMAGE]}


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "ICO"])
def test_an_image_in_another_format_is_refused_by_name(fmt):
    # given a perfectly good image in a format the studio does not take
    data = encode(Image.new("RGB", (16, 16), RED), fmt)

    # then
    assert refusal(data) == {"image": [f"{fmt} images are not accepted; use PNG, JPEG or WebP."]}


def test_an_image_over_the_pixel_limit_is_refused():
    # given a 101×100 image (10,100 pixels) and a limit of 10,000 pixels
    data = encode(Image.new("RGB", (101, 100), RED), "PNG")

    # then
    assert refusal(data, max_pixels=10_000) == {
        "image": ["The image is 101×100 pixels; the limit is 0.01 megapixels."]
    }


def test_an_image_of_exactly_the_pixel_limit_is_accepted():
    # given a 100×100 image and a limit of 10,000 pixels
    data = encode(Image.new("RGB", (100, 100), RED), "PNG")

    # when
    clean = clean_image_upload(upload(data), max_bytes=LIMITS["max_bytes"], max_pixels=10_000)

    # then
    assert (clean.width, clean.height) == (100, 100)


def test_a_png_whose_header_claims_more_pixels_than_the_limit_is_refused_without_decoding():
    # given a few hundred bytes claiming 50,000×1,000 pixels (50 megapixels, over the 40 allowed)
    data = png_claiming(50_000, 1_000)
    assert len(data) < 200

    # then it is refused by its header alone
    assert refusal(data) == {"image": ["The image is 50000×1000 pixels; the limit is 40 megapixels."]}


def test_a_header_over_pillows_own_warning_threshold_gets_the_same_refusal():
    # given a PNG claiming 100,000×1,000 pixels: more than Pillow's bomb warning threshold (about 89 megapixels),
    # less than its hard stop
    data = png_claiming(100_000, 1_000)

    # then it is refused with the studio's message (the warning neither escapes nor changes the outcome)
    assert refusal(data) == {"image": ["The image is 100000×1000 pixels; the limit is 40 megapixels."]}


@pytest.mark.parametrize(("limit", "words"), [(2_500_000, "2.5 megapixels"), (2_000_000, "2 megapixels")])
def test_the_pixel_limit_is_told_as_it_is_set(limit, words):
    data = encode(Image.new("RGB", (2000, 1251), RED), "PNG")
    assert refusal(data, max_pixels=limit) == {"image": [f"The image is 2000×1251 pixels; the limit is {words}."]}


def test_a_png_whose_header_claims_billions_of_pixels_is_refused_as_too_large():
    # given a PNG claiming 100,000×100,000 pixels: far past what even Pillow agrees to open
    data = png_claiming(100_000, 100_000)

    # then it is refused for its size, not mistaken for a file that is not an image
    assert refusal(data) == {"image": ["The image has more pixels than the limit of 40 megapixels."]}


@pytest.mark.parametrize("size", [(0, 20), (20, 0)])
def test_a_png_whose_header_claims_no_pixels_is_refused(size):
    assert refusal(png_claiming(*size)) == {"image": [NOT_AN_IMAGE]}


def test_a_truncated_png_is_refused():
    # given the first half of a real PNG
    data = noisy_png()
    assert Image.open(io.BytesIO(data)).size == (256, 256)

    # then
    assert refusal(data[: len(data) // 2]) == {"image": [DAMAGED]}


def test_a_truncated_jpeg_is_refused():
    # given the first half of a real JPEG
    data = encode(Image.open(io.BytesIO(noisy_png())), "JPEG", quality=95)

    # then
    assert refusal(data[: len(data) // 2], max_bytes=LIMITS["max_bytes"]) == {"image": [DAMAGED]}


def test_a_png_with_a_corrupted_chunk_is_refused():
    # given a real PNG with one byte of its image data flipped, so the chunk's checksum no longer matches
    data = bytearray(noisy_png())
    idat = data.index(b"IDAT")
    data[idat + 20] ^= 0xFF

    # then
    assert refusal(bytes(data)) == {"image": [DAMAGED]}


@pytest.mark.parametrize("caps", [{}, {"kind": "take", "max_pixels": 10_000}])
def test_a_call_naming_no_pixel_cap_or_two_is_refused_before_reading(caps):
    file = upload(encode(Image.new("RGB", (8, 8)), "PNG"))
    with pytest.raises(TypeError, match="a kind or a max_pixels"):
        clean_image_upload(file, max_bytes=MB, **caps)
    assert file.tell() == 0
