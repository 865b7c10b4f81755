"""The shot page (generation panel, live jobs, takes) and the queue page: what each role sees and may do,
and that they read in a fixed number of queries however many takes and jobs there are."""

from __future__ import annotations

import pytest
from django.test import Client

from studio.renders.models import GenerationJob, Take
from studio.renders.services import jobs as job_services
from studio.renders.services import takes as take_services
from studio.renders.services import worker_protocol
from studio.renders.services.jobs import JobOrder
from studio.shots import services as shot_services
from tests import factories

ROLES = ["owner", "director", "writer", "artist", "reviewer", "viewer"]
GENERATE = {"owner", "director", "artist"}
REVIEW = {"owner", "director", "reviewer"}
EDIT_SHOTS = {"owner", "director", "artist"}


@pytest.fixture
def staged(team):
    """The team's project with a scene, a shot with Maya in it (she has a reference image), and another shot."""
    project = team.project
    factories.make_script(project)
    team.scene = factories.make_scene(project, location="Lamp room", int_ext="INT", time_of_day="NIGHT")
    team.maya = factories.make_character(project, name="Maya", appearance_prompt="yellow raincoat", seed=1234,
                                         color="#e0a030")
    factories.make_reference(team.maya)
    team.shot = factories.make_shot(team.scene, size="MCU", lens_mm=85, description="Maya trims the wick.",
                                    characters=[team.maya.pk])
    team.other = factories.make_shot(team.scene, size="ELS")
    return team


def upload_take(team, shot=None, *, color=(200, 40, 40)):
    return take_services.take_upload(actor=team.artist, shot=shot or team.shot,
                                       upload=factories.image_upload("drawing.png", color=color))


def submit(team, shot=None, **fields):
    return job_services.job_submit(actor=team.artist, shot=shot or team.shot, order=JobOrder(**fields))


def generated_take(team, shot=None, *, smoke_test=True, kind="image"):
    """A job that a worker claimed and finished: the take it leaves, with the provenance a worker writes."""
    job = submit(team, shot, kind="frame" if kind == "image" else "clip")
    worker_protocol.job_claim(job_id=job.pk, worker="worker-1")
    request = job.request
    made = worker_protocol.Made(
        kind=kind, content=factories.image_bytes(size=(160, 64)), extension="png", content_type="image/png",
        thumbnail=factories.image_bytes("JPEG", size=(160, 64)), width=160, height=64,
        frames=1 if kind == "image" else 9, fps=None if kind == "image" else 16,
        provenance={"model": job.model, "label": "Smoke-test SD (tiny, random weights)", "family": "sd",
                    "smoke_test": smoke_test, "seed": request["seed"], "mode": "text-to-image", "request": request,
                    "seconds": 1.25, "worker": "worker-1"},
        smoke_test=smoke_test,
    )
    return worker_protocol.job_succeed(job_id=job.pk, worker="worker-1", made=made)


def shot_url(team, shot=None) -> str:
    return f"/projects/{team.project.pk}/shots/{(shot or team.shot).pk}/"


def queue_url(team) -> str:
    return f"/projects/{team.project.pk}/queue/"


# --- The shot page ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_shot_page_shows_each_role_the_controls_its_role_allows(role, staged, browser, html, board_state):
    # given a shot with an uploaded take, a generated one and a queued job
    upload_take(staged)
    generated_take(staged)
    submit(staged)
    user = staged.users[role]

    # when a member opens the shot
    response = browser(user).get(shot_url(staged))

    # then the header says which shot it is
    assert response.status_code == 200
    page = html(response)
    assert page.one("h1", cls="shot-number").text == "1A"
    assert page.one("span", cls="scene-heading").text == "INT. LAMP ROOM - NIGHT"
    assert [li.text for li in page.one("ul", cls="shot-specs").find_all("li")] == [
        "MCU Medium close-up", "Eye level", "85mm", "3s"]
    assert page.one("div", cls="shot-cast").text == "Maya"
    assert page.one("a", data_next_shot=True).attrs["href"] == shot_url(staged, staged.other)
    # the generation panel only for those who may generate, a read-only summary for the others
    assert bool(page.find_all("form", data_gen_form=True)) is (role in GENERATE)
    assert bool(page.find_all("div", cls="gen-readonly")) is (role not in GENERATE)
    assert bool(page.find_all(data_cancel=True)) is (role in GENERATE)
    assert bool(page.find_all(data_use_init=True)) is (role in GENERATE)
    # review for reviewers, uploads for those who edit shots
    assert len(page.find_all("button", data_review="approved")) == (2 if role in REVIEW else 0)
    assert len(page.find_all("button", data_review="rejected")) == (2 if role in REVIEW else 0)
    assert bool(page.find_all("input", data_upload_take=True)) is (role in EDIT_SHOTS)
    # the page's module knows the same
    data = board_state(response, "shot-data")
    assert data["can"]["generate"] is (role in GENERATE)
    assert data["can"]["review"] is (role in REVIEW)


def test_the_panel_starts_from_the_assembled_prompt_the_shot_seed_and_the_models_defaults(staged, browser, html,
                                                                                         board_state):
    response = browser(staged.artist).get(shot_url(staged))

    page = html(response)
    form = page.one("form", data_gen_form=True)
    values = form.values()
    assert values["kind"] == "frame"
    assert values["model"] == "sd-tiny"
    assert values["seed"] == "1234"
    assert (values["width"], values["height"], values["steps"], values["quality"]) == ("160", "64", "4", "standard")
    assert values["prompt"].startswith("Maya trims the wick. Maya: yellow raincoat. interior, lamp room, night. ")
    assert values["prompt"].endswith("medium close-up, eye-level camera, 85mm portrait telephoto lens, shallow depth "
                                     "of field")
    parts = [(li.one("span", cls="part-label").text, li.one("span", cls="part-text").text)
             for li in form.one("ol", data_prompt_parts=True).find_all("li")]
    assert parts == [
        ("Action", "Maya trims the wick"),
        ("Maya", "Maya: yellow raincoat"),
        ("Scene 1", "interior, lamp room, night"),
        ("Shot 1A", "medium close-up, eye-level camera, 85mm portrait telephoto lens, shallow depth of field"),
    ]
    assert form.one("span", data_seed_source=True).text == "Maya's seed"
    assert form.one("input", data_use_refs=True).has("disabled") is False
    assert form.one("span", data_refs_count=True).text == "1 image"
    # every model is offered, smoke-test ones say so
    data = board_state(response, "shot-data")
    assert [(m["name"], m["smoke_test"], m["kinds"]) for m in data["models"]] == [
        ("sd-tiny", True, ["frame"]), ("sdxl-tiny", True, ["frame"]), ("wan-tiny", True, ["clip"])]
    assert form.one("div", data_smoke_note=True).has("hidden") is False
    assert data["prompts"]["frame"]["seed"] == 1234


def test_takes_are_listed_newest_first_with_provenance_and_the_smoke_test_badge(staged, browser, html):
    upload_take(staged)
    generated_take(staged)

    page = html(browser(staged.reviewer).get(shot_url(staged)))

    takes = page.find_all("article", cls="take")
    assert [t.attrs["data-number"] for t in takes] == ["2", "1"]
    assert [t.has("hidden") for t in takes] == [False, True]  # the newest is shown
    newest, uploaded = takes
    assert newest.one("span", cls="badge-smoke").text == "Smoke-test model"
    assert uploaded.find_all("span", cls="badge-smoke") == []
    assert uploaded.one("span", cls="badge-plain").text == "Uploaded"
    provenance = {d.one("dt").text: d.one("dd").text for d in newest.one("dl", cls="provenance").find_all("div")}
    assert provenance["Model"] == "Smoke-test SD (tiny, random weights)"
    assert provenance["Mode"] == "Text to image"
    assert provenance["Seed"] == "1234"
    assert provenance["Steps"] == "4 · guidance 7.0"
    assert provenance["Size"] == "160×64"
    assert provenance["Took"] == "1.3 s"
    assert provenance["By"] == "Artist_Member"
    assert newest.one("span", data_review_state=True).text == "Not reviewed"
    strip = page.one("div", cls="take-strip")
    assert [b.one("span", cls="v").text for b in strip.find_all("button")] == ["v2", "v1"]


def test_a_reviewed_take_says_who_decided(staged, browser, html):
    take = upload_take(staged)
    take_services.take_review(actor=staged.reviewer, take=take, decision=Take.Review.APPROVED)

    page = html(browser(staged.director).get(shot_url(staged)))

    article = page.one("article", cls="take")
    assert article.one("span", data_review_state=True).text == "Approved"
    assert article.one("button", data_review="approved").attrs["aria-pressed"] == "true"
    assert article.one("button", data_review="rejected").attrs["aria-pressed"] == "false"


def test_a_shot_without_takes_says_what_to_do(staged, browser, html):
    artist = html(browser(staged.artist).get(shot_url(staged)))
    viewer = html(browser(staged.viewer).get(shot_url(staged)))

    assert artist.one("div", cls="takes-empty").text == (
        "No takes yet Set up a frame in the panel on the left and generate it, or upload a drawing or a clip.")
    assert viewer.one("div", cls="takes-empty").text == (
        "No takes yet Takes appear here as soon as the team makes them.")
    assert artist.find_all("article", cls="job") == []


def test_jobs_show_their_progress_and_failures_offer_a_retry(staged, browser, html):
    # given a running job half way, a queued one, and one that failed
    running = submit(staged)
    worker_protocol.job_claim(job_id=running.pk, worker="worker-1")
    worker_protocol.job_progress(job_id=running.pk, worker="worker-1", step=2, total=4, preview_jpeg=None)
    queued = submit(staged)
    failed = submit(staged)
    worker_protocol.job_claim(job_id=failed.pk, worker="worker-1")
    worker_protocol.job_fail(job_id=failed.pk, worker="worker-1", error="CUDA out of memory.")

    page = html(browser(staged.artist).get(shot_url(staged)))

    jobs = {int(j.attrs["data-job"]): j for j in page.find_all("article", cls="job")}
    assert list(jobs) == [running.pk, queued.pk, failed.pk]
    assert jobs[running.pk].one("span", data_job_bar=True).attrs["style"] == "width:50.0%"
    assert jobs[running.pk].one("span", data_job_steps=True).text == "Step 2 of 4"
    assert jobs[running.pk].one("span", cls="pill").text == "Running"
    assert jobs[queued.pk].one("span", cls="pill").text == "Next up"
    assert jobs[failed.pk].one("div", data_job_error=True).text == "CUDA out of memory."
    assert jobs[failed.pk].one("button", data_retry=str(failed.pk)).text == "Retry"


def test_a_retried_failure_leaves_the_shot_page(staged, browser, html):
    failed = submit(staged)
    worker_protocol.job_claim(job_id=failed.pk, worker="worker-1")
    worker_protocol.job_fail(job_id=failed.pk, worker="worker-1", error="Boom.")
    retry = job_services.job_retry(actor=staged.artist, job=failed)

    page = html(browser(staged.artist).get(shot_url(staged)))

    assert [int(j.attrs["data-job"]) for j in page.find_all("article", cls="job")] == [retry.pk]


def test_a_part_of_the_shot_page_renders_alone_for_live_refreshes(staged, browser, html):
    upload_take(staged)
    submit(staged)
    client = browser(staged.viewer)

    takes = client.get(shot_url(staged) + "?part=takes")
    jobs = client.get(shot_url(staged) + "?part=jobs")

    assert takes.status_code == jobs.status_code == 200
    assert b"<html" not in takes.content
    assert b"<html" not in jobs.content
    assert len(html(takes).find_all("article", cls="take")) == 1
    assert len(html(jobs).find_all("article", cls="job")) == 1


def test_the_shot_page_is_not_there_for_strangers_or_for_another_projects_shot(staged, browser, db):
    stranger = factories.make_user("stranger")
    elsewhere = factories.make_project(title="Elsewhere")
    foreign = factories.make_shot(factories.make_scene(elsewhere, script=factories.make_script(elsewhere)))

    assert browser(stranger).get(shot_url(staged)).status_code == 404
    assert browser(staged.owner).get(f"/projects/{staged.project.pk}/shots/{foreign.pk}/").status_code == 404
    assert browser(staged.owner).get(f"/projects/{staged.project.pk}/shots/999999/").status_code == 404


@pytest.mark.parametrize("many", [False, True], ids=["one", "many"])
def test_the_shot_page_uses_the_same_number_of_queries_however_many_takes_and_jobs(
    many, staged, django_assert_num_queries
):
    for _ in range(6 if many else 1):
        generated_take(staged)
        upload_take(staged)
    for _ in range(3 if many else 1):
        submit(staged)  # the artist may have 4 jobs at once
    if many:
        failed = submit(staged)
        worker_protocol.job_claim(job_id=failed.pk, worker="worker-1")
        worker_protocol.job_fail(job_id=failed.pk, worker="worker-1", error="Boom.")
    client = Client()
    client.force_login(staged.artist)

    # session, user, membership, shot, its characters, their references, takes, jobs, queue order, the scenes, the
    # shots around it
    with django_assert_num_queries(11):
        response = client.get(shot_url(staged))

    assert response.status_code == 200


@pytest.mark.parametrize("count", [3, 300])
def test_the_shot_page_finds_its_neighbours_in_two_queries_however_many_shots(count, team, django_assert_num_queries,
                                                                             html):
    scenes = [factories.make_scene(team.project) for _ in range(3)]
    shots = [factories.make_shot(scenes[i * 3 // count]) for i in range(count)]
    middle = shots[count // 2]
    client = Client()
    client.force_login(team.viewer)

    # session, user, membership, shot, its characters (none: no references), takes, jobs, queue order, the scenes,
    # the shots around it
    with django_assert_num_queries(10):
        response = client.get(shot_url(team, middle))

    page = html(response)
    assert page.one("a", data_prev_shot=True).attrs["href"] == shot_url(team, shots[count // 2 - 1])
    assert page.one("a", data_next_shot=True).attrs["href"] == shot_url(team, shots[count // 2 + 1])
    assert page.one("span", cls="nowrap").text == f"{count // 2 + 1} of {count}"


# --- The queue page -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_queue_shows_each_section_with_the_controls_the_role_allows(role, staged, browser, html):
    # given one job running, one queued, one failed and one finished
    running = submit(staged)
    worker_protocol.job_claim(job_id=running.pk, worker="gpu-0")
    queued = submit(staged, shot=staged.other)
    failed = submit(staged)
    worker_protocol.job_claim(job_id=failed.pk, worker="gpu-0")
    worker_protocol.job_fail(job_id=failed.pk, worker="gpu-0", error="The model could not load.")
    take = generated_take(staged)

    response = browser(staged.users[role]).get(queue_url(staged))

    assert response.status_code == 200
    page = html(response)
    assert page.one("a", href=queue_url(staged)).attrs["aria-current"] == "page"
    running_card = page.one("article", data_job=str(running.pk))
    assert "on gpu-0" in running_card.text
    assert running_card.one("a", cls="queue-shot").attrs["href"] == shot_url(staged)
    queued_row = page.one("tr", data_job=str(queued.pk))
    assert queued_row.one("td", cls="pos").text == "1"
    assert queued_row.one("span", cls="person").text == "AM Artist_Member"
    failed_row = page.one("tr", data_job=str(failed.pk))
    assert failed_row.one("div", cls="job-error").text == "The model could not load."
    finished = page.one("a", data_job=str(take.job_id))
    assert finished.one("img").attrs["src"] == f"/projects/{staged.project.pk}/media/takes/{take.pk}/thumb/"
    assert finished.one("span", cls="badge-smoke").text == "Smoke test"
    # cancel and retry only for those who may generate
    assert len(page.find_all("button", data_cancel=True)) == (2 if role in GENERATE else 0)
    assert len(page.find_all("button", data_retry=True)) == (1 if role in GENERATE else 0)


def test_an_empty_queue_says_what_to_do(staged, browser, html):
    page = html(browser(staged.artist).get(queue_url(staged)))

    assert [e.text for e in page.find_all("div", cls="empty")] == [
        "Nothing is generating right now. Open a shot from the board and generate a frame; it shows up here "
        "while it runs.",
        "The queue is empty.",
        "No failures lately.",
        "Nothing has finished yet. Finished frames and clips land on their shot as takes.",
    ]


def test_a_failure_that_was_retried_says_so_instead_of_offering_a_retry(staged, browser, html):
    failed = submit(staged)
    worker_protocol.job_claim(job_id=failed.pk, worker="gpu-0")
    worker_protocol.job_fail(job_id=failed.pk, worker="gpu-0", error="Boom.")
    job_services.job_retry(actor=staged.artist, job=failed)

    page = html(browser(staged.artist).get(queue_url(staged)))

    row = page.one("tr", data_job=str(failed.pk))
    assert row.one("td", cls="actions").text == "Retried"


def test_the_queue_is_not_there_for_strangers(staged, browser):
    assert browser(factories.make_user("stranger")).get(queue_url(staged)).status_code == 404


@pytest.mark.parametrize("many", [False, True], ids=["one", "many"])
def test_the_queue_page_uses_the_same_number_of_queries_however_many_jobs(many, staged, django_assert_num_queries):
    people = [staged.artist, staged.director, staged.owner] if many else [staged.artist]
    for person in people:
        for shot in ([staged.shot, staged.other] if many else [staged.shot]):
            job = job_services.job_submit(actor=person, shot=shot)
            worker_protocol.job_claim(job_id=job.pk, worker="gpu-0")
            worker_protocol.job_fail(job_id=job.pk, worker="gpu-0", error="Boom.")
        job_services.job_submit(actor=person, shot=staged.shot)
        running = job_services.job_submit(actor=person, shot=staged.other)
        worker_protocol.job_claim(job_id=running.pk, worker="gpu-0")
    for _ in range(4 if many else 1):
        generated_take(staged)
    client = Client()
    client.force_login(staged.artist)

    # session, user, membership, active jobs, recent jobs (with their takes and shots), the places of this project's
    # queued jobs, how many the studio's queue holds
    with django_assert_num_queries(7):
        response = client.get(queue_url(staged))

    assert response.status_code == 200
    assert GenerationJob.objects.filter(project=staged.project).count() == (16 if many else 4)


# --- The board --------------------------------------------------------------------------------


def test_the_board_carries_each_shots_latest_take(staged, browser, board_state):
    upload_take(staged)
    newest = generated_take(staged)

    state = board_state(browser(staged.viewer).get(f"/projects/{staged.project.pk}/board/"))

    assert state["takes"] == [{
        "id": newest.pk, "shot": staged.shot.pk, "number": 2, "kind": "image", "smoke_test": True,
        "review": "pending", "thumbnail_url": f"/projects/{staged.project.pk}/media/takes/{newest.pk}/thumb/",
    }]


def test_the_shot_page_says_what_the_shots_status_means_next_to_its_takes(staged, browser, html):
    # given an approved shot with an approved take
    shot_services.shot_update(actor=staged.director, shot=staged.shot, expected_version=1,
                              changes={"status": "approved"})
    take_services.take_review(actor=staged.reviewer, take=upload_take(staged), decision="approved")

    # when its page is opened
    page = html(browser(staged.viewer).get(shot_url(staged)))

    # then the page says what the shot's approval means, and that a take's is another thing
    assert " ".join(page.one("p", data_status_meaning=True).text.split()) == (
        "Shot approved: A reviewer signed off its framing, lens and duration; changing any of them sends it back "
        "to Ready. Each take is reviewed on its own: approving a take picks the frame the board shows, and does "
        "not approve the shot.")


def test_the_board_shows_the_approved_take_over_newer_ones(staged, browser, board_state):
    # given v1 and v2, v2 approved, then v3 and v4 made after it
    upload_take(staged)
    approved = upload_take(staged)
    take_services.take_review(actor=staged.reviewer, take=approved, decision="approved")
    upload_take(staged)
    upload_take(staged)

    # when anyone opens the board
    state = board_state(browser(staged.viewer).get(f"/projects/{staged.project.pk}/board/"))

    # then the card shows the approved v2, not the newest v4
    assert [(t["shot"], t["number"], t["review"]) for t in state["takes"]] == [(staged.shot.pk, 2, "approved")]


def test_the_takes_api_gives_the_take_each_shot_shows(staged, api):
    # given an approved v1 and a newer v2 on one shot, and a lone v1 on the other
    approved = upload_take(staged)
    take_services.take_review(actor=staged.reviewer, take=approved, decision="approved")
    upload_take(staged)
    other = upload_take(staged, staged.other)
    client = api(staged.viewer)
    takes = f"/api/v1/projects/{staged.project.pk}/takes/"

    # when the board asks for the shown takes, of the project and of one shot
    everyone = client.get(takes + "?shown=true").json()["results"]
    one = client.get(takes + f"?shown=true&shot={staged.shot.pk}").json()["results"]

    # then each shot's approved take, or else its newest, comes back
    assert sorted((t["id"], t["number"]) for t in everyone) == sorted([(approved.pk, 1), (other.pk, 1)])
    assert [(t["id"], t["review"]) for t in one] == [(approved.pk, "approved")]


def test_a_previz_capture_says_which_layout_it_shows_and_links_its_depth(staged, browser, html):
    from studio.shots import layouts
    from studio.shots.layout import empty_layout

    layouts.layout_save(actor=staged.artist, shot=staged.shot, data=empty_layout(focal_mm=85), base_version=0)
    take = take_services.take_capture(actor=staged.artist, shot=staged.shot, image=factories.image_upload(),
                                        depth=factories.image_upload(), layout_version=1)

    page = html(browser(staged.viewer).get(shot_url(staged)))

    shown = page.one("article", cls="take")
    assert shown.one("span", cls="badge-plain").text == "Previz"
    provenance = {d.one("dt").text: d.one("dd").text for d in shown.one("dl", cls="provenance").find_all("div")}
    assert (provenance["Source"], provenance["Depth"]) == ("Previz capture · layout v1", "depth map")
    assert shown.one("dl", cls="provenance").one("a").attrs["href"] == (
        f"/projects/{staged.project.pk}/media/takes/{take.pk}/depth/")
