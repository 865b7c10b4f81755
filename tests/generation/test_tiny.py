import json

from generation import Registry, tiny


def test_the_tiny_models_are_built_once(tiny_dir):
    assert tiny.is_current(tiny_dir)
    assert tiny.build(tiny_dir) == []
    assert sorted(p.name for p in tiny_dir.iterdir() if not p.name.startswith(".")) == sorted(tiny.NAMES)


def test_the_tiny_folder_is_small(tiny_dir):
    size = sum(f.stat().st_size for f in tiny_dir.rglob("*") if f.is_file())

    assert size < 40_000_000


def test_an_outdated_marker_means_a_rebuild(tmp_path):
    for name in tiny.NAMES:
        (tmp_path / name).mkdir()
    (tmp_path / tiny.MARKER).write_text(json.dumps({"version": tiny.VERSION}))
    assert tiny.is_current(tmp_path)

    (tmp_path / tiny.MARKER).write_text(json.dumps({"version": tiny.VERSION - 1}))
    assert not tiny.is_current(tmp_path)

    (tmp_path / tiny.MARKER).write_text("{broken")
    assert not tiny.is_current(tmp_path)


def test_the_command_line(tiny_dir, capsys):
    assert tiny.main([str(tiny_dir)]) == 0
    assert capsys.readouterr().out == f"tiny models in {tiny_dir} are current (version {tiny.VERSION})\n"

    assert tiny.main([]) == 2
    assert capsys.readouterr().err == "usage: python -m generation.tiny DIR\n"


def test_a_failed_build_exits_non_zero_with_a_message(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")

    assert tiny.main([str(blocker)]) == 1
    assert capsys.readouterr().err.startswith(f"generation.tiny: could not build the tiny models in {blocker}: ")


def test_default_models_point_into_the_folder(tiny_dir):
    registry = Registry.from_config(tiny.default_models(tiny_dir))

    assert [spec.source for spec in registry] == [
        str(tiny_dir.resolve() / n) for n in ("sd-tiny", "sdxl-tiny", "wan-tiny")
    ]
