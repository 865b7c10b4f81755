"""Prompt assembly: from a shot to the words, seed and references a model is given."""

import pytest

from studio.renders import prompt, selectors
from tests import factories


@pytest.fixture
def shot(db):
    project = factories.make_project(title="The Lighthouse", style_prompt="Charcoal storyboard, high contrast.")
    factories.make_script(project)
    scene = factories.make_scene(project, location="Lamp room", int_ext="INT", time_of_day="NIGHT")
    maya = factories.make_character(project, name="Maya", appearance_prompt="woman in her forties, yellow raincoat.",
                                    seed=1234)
    theo = factories.make_character(project, name="Theo", appearance_prompt="", seed=99)
    factories.make_reference(maya)
    shot = factories.make_shot(scene, size="MCU", angle="low", lens_mm=85, movement="dolly_in",
                               description="Maya  turns the great lens.\nLight sweeps the sea.",
                               characters=[theo.pk, maya.pk])
    return selectors.shot_for_generation(project=project, shot_id=shot.pk)


def test_a_shot_assembles_action_cast_scene_camera_and_look_most_important_first(shot):
    assembled = prompt.assemble(shot)

    assert assembled.prompt == (
        "Maya turns the great lens. Light sweeps the sea. Maya: woman in her forties, yellow raincoat. Theo. "
        "interior, lamp room, night. medium close-up, low angle looking up, 85mm portrait telephoto lens, shallow "
        "depth of field. Charcoal storyboard, high contrast"
    )
    assert [(p.source, p.label) for p in assembled.parts] == [
        ("action", "Action"), (f"character:{shot.characters.all()[0].pk}", "Maya"),
        (f"character:{shot.characters.all()[1].pk}", "Theo"), ("scene", "Scene 1"), ("camera", "Shot 1A"),
        ("style", "Look"),
    ]
    assert assembled.negative_prompt == prompt.NEGATIVE


def test_the_lead_character_gives_the_seed_and_references_go_with_it(shot):
    assembled = prompt.assemble(shot)

    maya = shot.characters.all()[0]
    assert (assembled.seed, assembled.seed_source) == (1234, "Maya's seed")
    assert assembled.references == [maya.references.get().image.name]


def test_a_clip_prompt_says_how_the_camera_moves(shot):
    clip = prompt.assemble(shot, kind="clip").prompt
    assert "85mm portrait telephoto lens, shallow depth of field, slow dolly in" in clip
    assert "dolly" not in prompt.assemble(shot, kind="frame").prompt


def test_a_shot_without_characters_has_a_stable_seed_of_its_own(db):
    project = factories.make_project()
    factories.make_script(project)
    scene = factories.make_scene(project, location="Cliff", int_ext="EXT", time_of_day="")
    first = factories.make_shot(scene, size="ELS", lens_mm=18)
    second = factories.make_shot(scene)

    a = prompt.assemble(selectors.shot_for_generation(project=project, shot_id=first.pk))
    again = prompt.assemble(selectors.shot_for_generation(project=project, shot_id=first.pk))
    b = prompt.assemble(selectors.shot_for_generation(project=project, shot_id=second.pk))

    assert a.prompt == ("exterior, cliff. extreme long shot, wide establishing view, eye-level camera, "
                        "18mm ultra-wide lens")
    assert a.seed == again.seed == prompt.shot_seed(first)
    assert a.seed != b.seed
    assert a.seed_source == "shot 1A's seed"
    assert a.references == []


@pytest.mark.parametrize(("aspect", "base", "size"), [
    ("2.39", 512, (792, 328)),
    ("1.78", 512, (680, 384)),
    ("1.00", 1024, (1024, 1024)),
    ("0.56", 512, (384, 688)),
    ("2.39", 104, (160, 64)),
    ("2.39", 64, (96, 64)),
])
def test_frame_size_keeps_the_project_aspect_in_multiples_of_eight(aspect, base, size):
    assert prompt.frame_size(aspect, base) == size
