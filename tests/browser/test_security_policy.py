"""Every main page works under the studio's Content-Security-Policy: Chromium reports no violation on any of them."""

from __future__ import annotations

from playwright.sync_api import expect

from tests import factories

from .conftest import in_thread, settled


def test_the_main_pages_break_no_rule_of_the_content_security_policy(open_as, live_url, browser):
    # given a project with something of everything
    def setup():
        owner = factories.make_user("maya", display_name="Maya Ortiz")
        project = factories.make_project(owner=owner, title="The Lighthouse")
        script = project.scripts.order_by("id").first()
        scene = factories.make_scene(project, script=script, location="Lamp room")
        shot = factories.make_shot(scene)
        character = factories.make_character(project, name="Elin")
        return owner, project, script, shot, character

    owner, project, script, shot, character = in_thread(setup)
    p = f"/projects/{project.pk}"
    pages = ["/", "/account/", "/projects/new/", f"{p}/", f"{p}/cast/", f"{p}/cast/{character.pk}/",
             f"{p}/board/", f"{p}/storyboard/", f"{p}/shots/{shot.pk}/", f"{p}/shots/{shot.pk}/previz/", f"{p}/queue/",
             f"{p}/scripts/{script.pk}/", f"{p}/scripts/{script.pk}/compare/", "/api/docs/"]
    page, errors = open_as(owner, "/")

    # when each page is opened and has settled
    violations = {}
    for path in pages:
        before = len(errors)
        response = page.goto(f"{live_url}{path}")
        assert response.status == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"], path
        settled(page)
        violations[path] = [e for e in errors[before:] if "Content Security Policy" in e]
    anonymous = browser.new_context()
    login = anonymous.new_page()
    login_errors = []
    login.on("console", lambda m: login_errors.append(m.text) if m.type == "error" else None)
    login.goto(f"{live_url}/login/")
    settled(login)
    anonymous.close()

    # then
    assert violations == {path: [] for path in pages}
    assert [e for e in login_errors if "Content Security Policy" in e] == []


def test_controls_that_were_inline_handlers_still_work(open_as):
    # given the cast page of a project's owner
    def setup():
        owner = factories.make_user("maya", display_name="Maya Ortiz")
        return owner, factories.make_project(owner=owner, title="The Lighthouse")

    owner, project = in_thread(setup)
    page, errors = open_as(owner, f"/projects/{project.pk}/cast/")
    form = page.locator("#new-character")
    expect(form).to_be_hidden()

    # when the owner asks for a new character
    page.get_by_role("button", name="+ New character").click()

    # then its form shows, its first field focused, and nothing was refused
    expect(form).to_be_visible()
    expect(form.locator("input:not([type=hidden])").first).to_be_focused()
    assert errors == []
