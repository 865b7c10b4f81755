"""Nothing is silently missed on a live board: a burst of events, and an event lost on the way.

Every project event carries the project's next number; a board that sees one skipped reads the board again.
These run on the in-memory layer, and on Redis when REDIS_URL is set (the server inherits it).
"""

from __future__ import annotations

from playwright.sync_api import expect

from studio.live import events
from studio.screenplay.models import Scene
from studio.shots import services as shot_services
from tests import factories
from tests.waiting import wait_for

from .conftest import in_thread

SCENES = 120


def setup():
    director = factories.make_user("theo", display_name="Theo Lindqvist")
    artist = factories.make_user("ravi", display_name="Ravi Menon")
    project = factories.make_project(owner=director, title="The Lighthouse")
    factories.add_member(project, "artist", artist)
    return director, artist, project


def long_script(count: int) -> str:
    return "".join(f"INT. ROOM {n} - NIGHT\n\nElin waits in room {n}.\n\n" for n in range(1, count + 1))


def open_board(open_as, user, project):
    page, errors = open_as(user, f"/projects/{project.pk}/board/")
    expect(page.locator("[data-board][data-ready]")).to_be_attached()
    page.wait_for_function("() => window.studio.socket.state === 'open' && window.studio.socket.seq !== null")
    return page, errors


def test_a_pasted_script_of_120_scenes_shows_all_of_them_on_an_open_board(open_as):
    director, artist, project = in_thread(setup)
    script = project.scripts.get()
    board, board_errors = open_board(open_as, artist, project)
    writer, writer_errors = open_as(director, f"/projects/{project.pk}/scripts/{script.pk}/")
    expect(writer.locator("[data-script-editor][data-synced]")).to_be_attached(timeout=10000)

    # when the director pastes a whole script into the editor
    writer.locator(".cm-content").click()
    writer.keyboard.insert_text(long_script(SCENES))

    # then once the script settles into its scenes, the board shows every one of them within 5 s
    wait_for(lambda: Scene.objects.filter(script=script).count() == SCENES, timeout=60,
             what=f"the script to settle into {SCENES} scenes")
    expect(board.locator(".scene-heading")).to_have_count(SCENES, timeout=5000)
    assert board.locator(".scene-heading").first.inner_text() == "INT. ROOM 1 - NIGHT"
    assert board.locator(".scene-heading").last.inner_text() == f"INT. ROOM {SCENES} - NIGHT"
    assert board_errors == []
    assert writer_errors == []


def test_a_board_that_sees_an_event_number_skipped_reads_the_board_again(open_as, monkeypatch):
    director, artist, project = in_thread(setup)
    scene = in_thread(factories.make_scene, project, location="Lamp room", time_of_day="NIGHT")
    shot = in_thread(factories.make_shot, scene, description="Elin trims the wick.")
    theo, _ = open_board(open_as, director, project)
    ravi, ravi_errors = open_board(open_as, artist, project)
    ravi.evaluate("window.__sameDocument = true")
    card = ravi.locator(f'[data-shot="{shot.pk}"] .desc')
    expect(card).to_have_text("Elin trims the wick.")

    # given an edit whose event the channel layer drops (it keeps its number)
    monkeypatch.setattr(events, "send_now", lambda group, message: None)
    in_thread(shot_services.shot_update, actor=director, shot=shot, expected_version=1,
              changes={"description": "Lost on the way."})
    monkeypatch.undo()
    assert card.inner_text() == "Elin trims the wick."

    # when the next event arrives, one number later than expected
    theo.click(f'[data-add-shot="{scene.pk}"]')

    # then the board reads itself again once, and shows the edit it never heard of, without a reload
    expect(ravi.locator(f'[data-shots="{scene.pk}"] [data-shot]')).to_have_count(2, timeout=5000)
    expect(card).to_have_text("Lost on the way.", timeout=5000)
    assert ravi.evaluate("window.studio.socket.resyncs") == 1
    assert ravi.evaluate("window.__sameDocument") is True
    assert ravi_errors == []


# Through the page's socket as the server's frames arrive: an event two numbers on, then one more while the page
# reads again (a resync listener that the test lets finish), then a late one.
HOLD_DURING_RESYNC = """async () => {
  const socket = window.studio.socket;
  const seen = [];
  let finish;
  const base = socket.seq;
  socket.on("resync", () => new Promise((done) => { seen.push("read"); finish = done; }));
  socket.on("test.event", (m) => seen.push(m.seq - base));
  const arrive = (n) => socket.receive({ type: "test.event", project: 0, actor: null, data: {}, seq: base + n });
  arrive(2);
  arrive(3);
  const during = [...seen];
  finish();
  while (socket.held !== null) await new Promise((done) => setTimeout(done, 10)); // the board's own read too
  arrive(1);
  return { during, after: seen, resyncs: socket.resyncs, seq: socket.seq - base };
}"""


def test_events_that_arrive_while_a_page_reads_again_are_delivered_after_the_read(open_as):
    _director, artist, project = in_thread(setup)
    board, errors = open_board(open_as, artist, project)

    result = board.evaluate(HOLD_DURING_RESYNC)

    assert result == {"during": ["read"], "after": ["read", 2, 3, 1], "resyncs": 1, "seq": 3}
    assert errors == []
