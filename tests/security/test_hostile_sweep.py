"""Every page, for every role, over a world of hostile values: no element is made from data
(issue 15, point 7).

The fixture world (planted rings) gets more files, submitted through the project's own ingest as
its lender would submit them: complaints, firms, accounts and a phone list whose values are
Markdown images and links, raw HTML (``<img>``, ``<script>``, ``<a href=javascript:>``,
``<iframe>``), Markdown and Streamlit formatting, 5,000-character strings, right-to-left
overrides and zero-width characters. Their images and links point at a canary HTTP server on
127.0.0.1 that records every request. The ring they join becomes a lead that is accepted,
pushed, answered and withdrawn from under, each step with hostile words; a user, a police unit
and an enterprise carry hostile names.

``leadgraph serve`` is then visited in Chromium: every page of every role, once, plus the
Submit page's preview of hostile uploads (a file name, refused values, unknown headers) and the
search page's two searches. After each page: the canary saw no request; no element has an
attribute holding a marker or the canary's address; no element's whole text is a marker (the
formatting around it was applied); no dialog opened (a script ran); the navigation is still
there. On the lead page a hostile node of the chart is hovered: its tooltip is text.

Issue 17's pages too: working notes with every payload (and one as long as a note may be, and
one typed 5,000 characters long) on the lead and on the ring's phone, written by the lender's
analyst and the police unit's officer, read on the lead page and on the entity profile page
(opened from a search result); the officer's case number and reviewing officer; the admin's
lead control, assigning the hostile lead.
"""

from __future__ import annotations

import csv
import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    WAIT_MS,
    browser_choose,
    browser_sign_in,
    idle,
    need_browser,
    served_workbench,
    write,
)

from app.i18n import translate
from app.navigation import entries_for
from graph import views
from graph.core.errors import UserError
from graph.db.schema import wipe_data
from graph.db.store import GraphStore
from graph.evidence.leads import detect
from graph.evidence.templates import build_templates
from graph.workflow import admin, lifecycle, users
from graph.workflow.auth import Principal, operator
from graph.workflow.notes import MAX_NOTE
from ingest.demo import load_world
from ingest.submit import submit_file

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots" / "hostile"
LENDER = "星河消费金融股份有限公司"  # a lender of the fixture world
RING_PHONE = "+8615293617496"  # ring-00001's contact phone (fixtures/world/truth.json)
RING_FIRM = "91440106MA5NLN4698"  # one of its firms
PASSWORD = "Sweep-hostile-9"
# What a payload's formatting would wrap, were it applied: an element whose whole text is one
# of these was made by a renderer from data.
MARKERS = (
    "HXIMG", "HXLINK", "HXJS", "HXENT", "HXAJS", "HXBOLD", "HXEM", "HXCODE", "HXDEL", "HXMATH",
    "HXRED", "HXHEAD", "HXQUOTE", "HXLIST", "HXREF", "HXFILE", "HXHDR", "HXORG", "HXUNIT",
    "HXUSER",
)  # fmt: skip


def zh(key: str) -> str:
    return translate(key, "zh")


# --- the canary -----------------------------------------------------------------------------


class Canary:
    """An HTTP server on 127.0.0.1 that answers 404 and remembers every path asked for."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        seen = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                seen.append(self.path)
                self.send_response(404)
                self.end_headers()

            do_POST = do_HEAD = do_GET

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Canary:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def payloads(canary: str) -> dict[str, str]:
    """One hostile value of each sort; images and links point at ``canary``."""
    host = canary.removeprefix("http://")
    slash = "&#x2F;"  # a file name cannot hold "/", Markdown decodes this in a link
    return {
        "image": f"![HXIMG]({canary}/image.png)",
        "link": f"[HXLINK]({canary}/link)",
        "script_link": "[HXJS](javascript:alert(1))",
        "entity_image": f"![HXENT](http:{slash}{slash}{host}{slash}entity.png)",
        "autolink": f"<{canary}/autolink> {canary}/bare",
        "html": (
            f'<img src="{canary}/html.png" onerror="alert(1)"><script>alert(2)</script>'
            f'<a href="javascript:alert(3)">HXAJS</a><iframe src="{canary}/frame"></iframe>'
        ),
        "format": "**HXBOLD** _HXEM_ `HXCODE` ~~HXDEL~~ $HXMATH$ :red[HXRED]",
        "long": "W" * 5000,
        "rtl": "\u202eHXRTL 9876",  # not closed: the rest of its line would read backwards
        "zero_width": "H\u200bX\u200cZ\u200dW\u2060\ufeffX",
    }


def everything(canary: str) -> str:
    """Every payload in one text, with the block constructs that need a line of their own."""
    lines = f"# HXHEAD\n> HXQUOTE\n- HXLIST\n\n![HXREF][r]\n\n[r]: {canary}/reference.png"
    return " ".join(v for k, v in payloads(canary).items() if k != "long") + "\n" + lines


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


# --- the hostile world ----------------------------------------------------------------------


def complaints_file(path: Path, canary: str, *, first: int) -> Path:
    """Complaints naming the ring's contact phone, one a payload: the payload is its id (with
    its number after it when ``first`` > 1, so that another file's are other complaints), its
    institution, complainant and agent, and every payload is in its text. Two more rows are
    refused, for a hostile phone and a hostile date: the quarantine."""
    header = ["投诉编号", "投诉日期", "被投诉机构", "投诉人姓名", "本人手机号", "联系电话",
              "代理人/委托代理", "投诉内容"]  # fmt: skip
    rows = [
        [value if first == 1 else f"{value} ({n})", f"2025-08-{n % 28 + 1:02d}", value,
         f"投诉人{value}", f"1390000{n:04d}", RING_PHONE, f"{value}咨询有限公司",
         everything(canary)]
        for n, value in enumerate(payloads(canary).values(), start=first)
    ]  # fmt: skip
    rows.append([f"HX-REFUSED-{first}", "2025-08-01", LENDER, "张三", "13900009999",
                 payloads(canary)["image"], "", "电话不对"])  # fmt: skip
    rows.append([f"HX-REFUSED-{first + 1}", payloads(canary)["html"], LENDER, "李四",
                 "13900009998", RING_PHONE, "", "日期不对"])  # fmt: skip
    return write(path, csv_text(header, rows))


def firms_file(path: Path, canary: str) -> Path:
    """The ring's firm renamed by its lender, and firms known by hostile names only, all with
    the ring's phone."""
    values = payloads(canary)
    header = ["公司名称", "统一社会信用代码", "法定代表人", "联系电话", "注册地址", "经营范围"]
    rows = [[f"{values['image']}咨询有限公司", RING_FIRM, values["format"], RING_PHONE,
             values["html"], everything(canary)]]  # fmt: skip
    rows += [
        [f"{value}咨询有限公司", "", f"法人{value}", RING_PHONE, value, value]
        for value in values.values()
    ]
    return write(path, csv_text(header, rows))


def accounts_file(path: Path, canary: str) -> Path:
    """Accounts advertising the ring's phone, with hostile handles, nicknames, bios and urls."""
    values = payloads(canary)
    handles = [v for v in values.values() if not any(c.isspace() for c in v)]
    rows = [
        {"platform": "wechat", "handle": handle, "nickname": values["format"],
         "bio": f"{values['html']} 联系 {RING_PHONE[3:]}", "followers": 10,
         "url": f"{canary}/account"}
        for handle in handles
    ]  # fmt: skip
    rows.append({"platform": "weibo", "handle": "hx_script_url", "nickname": values["long"],
                 "bio": everything(canary), "url": "javascript:alert(1)"})  # fmt: skip
    return write(path, "\n".join(json.dumps(row, ensure_ascii=False) for row in rows) + "\n")


def phones_file(path: Path, canary: str) -> Path:
    values = payloads(canary)
    header = ["手机号码", "标签", "添加日期", "来源机构", "备注"]
    rows = [[RING_PHONE[3:], values["image"], "2025-08-01", values["rtl"], everything(canary)]]
    return write(path, csv_text(header, rows))


def hostile_names(canary: str) -> dict[str, str]:
    """A user's display name, a police unit and an enterprise (at most 100 characters each)."""
    host = canary.removeprefix("http://")
    return {
        "user": f"![HXUSER](http://{host}/user.png) **HXBOLD**",
        "unit": f"![HXUNIT](http://{host}/unit.png) 经侦 <b>HXBOLD</b>",
        "org": f"![HXORG](http://{host}/org.png) 消费金融 _HXEM_",
    }


def file_name(canary: str) -> str:
    """A clue file's name as hostile as a file name can be (no "/")."""
    host = canary.removeprefix("http://")
    return f"![HXFILE](http:&#x2F;&#x2F;{host}&#x2F;file.png) **HXBOLD**.csv"


@pytest.fixture(scope="module")
def canary() -> Iterator[Canary]:
    with Canary() as server:
        yield server


@pytest.fixture(scope="module")
def world(session_store: GraphStore, canary: Canary, tmp_path_factory: Any) -> dict[str, Any]:
    need_browser()
    store = session_store
    folder = tmp_path_factory.mktemp("hostile")
    wipe_data(store)
    load_world(store)
    for kind, path in (
        ("firms", firms_file(folder / "firms.csv", canary.url)),
        ("phones", phones_file(folder / "phones.csv", canary.url)),
        ("accounts", accounts_file(folder / "accounts.jsonl", canary.url)),
        ("complaints", complaints_file(folder / "complaints.csv", canary.url, first=1)),
    ):
        assert submit_file(store, kind, path, org=LENDER, user="analyst_x")["rows_loaded"] > 0
    # a file with a hostile name, to be withdrawn from under the lead
    named = complaints_file(folder / file_name(canary.url), canary.url, first=40)
    doomed = submit_file(store, "complaints", named, org=LENDER, user="analyst_x")
    build_templates(store)
    found = detect(store)["leads"]
    lead = next(row for row in found if f"phone:{RING_PHONE}" in row["entities"])

    names = hostile_names(canary.url)
    root = operator()
    admin.create_org(store, root, names["unit"], "police")
    admin.create_org(store, root, names["org"], "enterprise")
    accounts = {
        "admin_x": ("admin", None),
        "analyst_x": ("analyst", LENDER),
        "analyst_h": ("analyst", names["org"]),
        "officer_x": ("officer", names["unit"]),
    }
    for username, (role, org) in accounts.items():
        admin.create_account(
            store, root, username, role=role, org=org, display_name=names["user"],
            password=PASSWORD, must_change=False,
        )  # fmt: skip
    analyst = principal(store, "analyst_x")
    text = everything(canary.url)
    store.write(TITLE, id=lead["id"], title=f"{payloads(canary.url)['image']} {text[:300]}")
    lifecycle.accept_lead(store, analyst, lead["id"], summary=text)
    lifecycle.push_lead(store, analyst, lead["id"], officer="officer_x", note=text)
    officer = principal(store, "officer_x")
    lifecycle.set_status(store, officer, lead["id"], "investigating", feedback=text)
    # working notes: every payload, and one as long as a note may be, on the lead and the phone
    for who in (analyst, officer):
        for target in (f"lead:{lead['id']}", f"phone:{RING_PHONE}"):
            views.add_note(store, who, target, text)
    long = payloads(canary.url)["long"]
    with pytest.raises(UserError):  # 5,000 characters are more than a note may hold
        views.add_note(store, analyst, f"phone:{RING_PHONE}", long)
    views.add_note(store, analyst, f"phone:{RING_PHONE}", long[:MAX_NOTE])
    return {
        "store": store, "lead": lead["id"], "folder": folder, "doomed": doomed["submission"],
    }  # fmt: skip


# A title as a later detect, an import or an edit might write one: the pages must not rely on
# detect's titles being made of normalised keys.
TITLE = "MATCH (l:Lead {id: $id}) SET l.title = $title"


def principal(store: GraphStore, username: str) -> Principal:
    user = users.get_user(store, username)
    assert user is not None
    return Principal.of(user)


# --- the sweep ------------------------------------------------------------------------------

# Run in the page and in every frame: what data made. Returns one line per finding.
FINDINGS_JS = """
([markers, canary]) => {
  const found = [];
  const lower = markers.map(m => m.toLowerCase());
  // attributes that fetch, link or name an element (text attributes such as title, alt or
  // aria-label hold data as text and are not looked at)
  const linking = ['src', 'srcset', 'href', 'xlink:href', 'action', 'formaction', 'poster',
                   'data', 'background', 'ping', 'cite', 'style', 'id', 'name'];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    for (const attr of el.attributes) {
      const value = attr.value.toLowerCase();
      if (linking.includes(attr.name)
          && (value.includes(canary) || lower.some(m => value.includes(m)))) {
        found.push(`<${tag} ${attr.name}="${attr.value.slice(0, 100)}">`);
      }
      if (attr.name.startsWith('on') && value.includes('alert(')) {
        found.push(`<${tag} ${attr.name}="${attr.value.slice(0, 100)}">`);
      }
    }
    if (tag === 'a' && (el.getAttribute('href') || '').toLowerCase().startsWith('javascript')) {
      found.push(`<a href="${el.getAttribute('href')}">`);
    }
    if (['script', 'iframe', 'object', 'embed'].includes(tag)
        && /^\\s*alert\\(\\d\\)\\s*$/.test(el.textContent || '')) {
      found.push(`<${tag}>${el.textContent}`);
    }
    // an element whose whole text is a marker: the formatting around it was applied
    const text = (el.textContent || '').trim().toLowerCase();
    if (lower.includes(text)) {
      found.push(`<${tag}> made of "${text}"`);
    }
  }
  return found;
}
"""

# In the chart's frame (Cytoscape): the first node whose data holds HTML, selected, so that the
# infopanel shows its values.
HOSTILE_NODE_JS = """
() => {
  const cy = document.getElementById('cy')._cyreg.cy;
  const node = cy.nodes().filter(n => JSON.stringify(n.data()).includes('<')).first();
  if (!node || node.empty()) return null;
  cy.$(':selected').unselect();
  node.select();
  return node.id();
}
"""


class Sweep:
    """One signed-in browser page, and what the sweep found on it so far."""

    def __init__(self, page: Any, canary: Canary, nav: list[str]) -> None:
        self.page = page
        self.canary = canary
        self.nav = nav
        self.findings: list[str] = []
        self.dialogs: list[str] = []
        page.on("dialog", self._dialog)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def check(self, where: str) -> None:
        """Sweep the page as it is now, once the script has run."""
        idle(self.page)
        self.page.wait_for_timeout(1500)  # what an image would ask for has been asked by now
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{where}.png"), full_page=True)
        host = self.canary.url.removeprefix("http://")
        for frame in self.page.frames:
            lines = frame.evaluate(FINDINGS_JS, [list(MARKERS), host])
            self.findings += [f"{where}: {line}" for line in lines]
        if self.canary.requests:
            self.findings.append(f"{where}: the canary was asked for {self.canary.requests}")
            self.canary.requests.clear()
        if self.dialogs:
            self.findings.append(f"{where}: a script ran and opened {self.dialogs}")
            self.dialogs.clear()
        for key in self.nav:  # long strings did not push the navigation away
            if not self.page.get_by_role("link", name=zh(f"nav.{key}")).is_visible():
                self.findings.append(f"{where}: the link to {key} is not visible")
        if not self.page.get_by_role("button", name=zh("session.logout")).is_visible():
            self.findings.append(f"{where}: the sign-out button is not visible")

    def open(self, key: str) -> None:
        self.page.get_by_role("link", name=zh(f"nav.{key}")).click()
        self.page.get_by_role("heading", name=zh(f"nav.{key}")).first.wait_for()
        idle(self.page)

    def message(self, key: str) -> None:
        """Wait for the message box that says ``key``'s text (up to its first value)."""
        said = zh(key).split("{")[0].strip()
        box = self.page.locator("[data-testid='stAlert']").filter(has_text=said).first
        box.wait_for(state="attached")  # it may be in a tab not shown
        idle(self.page)

    def widget(self, key: str, inner: str = "input") -> Any:
        """The ``inner`` elements of the widget whose Streamlit key is ``key``."""
        return self.page.locator(f".st-key-{key} {inner}")

    def choose(self, key: str, typed: str) -> None:
        """Pick the option of select box ``key`` that ``typed`` finds."""
        browser_choose(self.page, key, typed)


# --- what each role does on its pages ---------------------------------------------------------


def admin_pages(sweep: Sweep, world: dict[str, Any], canary: Canary) -> None:
    """Users, orgs, audit log and submissions; an org added with a hostile name; the hostile-
    named file withdrawn (with a hostile reason) from under the lead; the database status."""
    page = sweep.page
    sweep.check("admin")
    page.get_by_role("tab", name=zh("admin.orgs")).click()
    sweep.widget("new_org_name").first.fill(
        hostile_names(canary.url)["org"].replace("org.png", "o2")
    )
    page.get_by_role("button", name=zh("admin.add_org")).click()
    sweep.message("admin.org_added")
    sweep.check("admin-org-added")
    page.get_by_role("tab", name=zh("admin.submissions")).click()
    sweep.choose("admin_withdraw_choice", world["doomed"])
    sweep.widget("admin_withdraw_reason").first.fill(everything(canary.url)[:400])
    sweep.widget("admin_withdraw_confirm", "label").first.click()
    page.get_by_role("button", name=zh("withdraw.button"), exact=True).click()
    sweep.message("withdraw.done")
    sweep.check("admin-withdrawn")
    page.get_by_role("tab", name=zh("admin.leads")).click()
    sweep.choose("admin_lead", world["lead"])
    sweep.choose(f"admin_assign_to_{world['lead']}", "analyst_x")
    page.get_by_role("button", name=zh("lead.assign_button"), exact=True).click()
    sweep.message("lead.assigned")
    page.get_by_role("tab", name=zh("admin.leads")).click()
    sweep.check("admin-leads-assigned")
    sweep.open("status")
    sweep.check("status")


def analyst_pages(sweep: Sweep, world: dict[str, Any], canary: Canary) -> None:
    """Submit (hostile uploads previewed), the lead (chart tooltip, then a push to the hostile
    unit), search (a hostile complaint id found, then traced to the ring's phone)."""
    page, lead_id, values = sweep.page, world["lead"], payloads(canary.url)
    sweep.check("updates")  # the home page
    sweep.open("submit")
    refused = complaints_file(world["folder"] / "upload.csv", canary.url, first=80)
    headers = csv_text([values["image"], "<b>HXHDR</b>", "**HXBOLD**"], [["1", "2", "3"]])
    page.locator("input[type=file]").set_input_files(
        [
            {"name": file_name(canary.url), "mimeType": "text/csv",
             "buffer": refused.read_bytes()},
            {"name": f"headers {file_name(canary.url)}", "mimeType": "text/csv",
             "buffer": headers.encode("utf-8")},
        ]
    )  # fmt: skip
    page.get_by_text(zh("submit.rows_quarantined")).first.wait_for()
    sweep.check("submit-preview")

    sweep.open("leads")
    sweep.choose("leads_selected", lead_id)
    page.get_by_role("heading").filter(has_text="HXIMG").first.wait_for()
    chart_tooltip(sweep, "leads")
    sweep.check("leads")
    sweep.widget(f"push_kind_{lead_id}", "label").filter(has_text=zh("lead.push_unit")).click()
    idle(page)
    sweep.widget(f"push_note_{lead_id}", "textarea").first.fill(everything(canary.url))
    page.get_by_role("button", name=zh("lead.push_button")).click()
    sweep.message("lead.pushed")
    sweep.check("leads-pushed")
    write_note(sweep, (everything(canary.url) + values["long"])[:MAX_NOTE])  # a full note
    sweep.check("leads-note-added")

    sweep.open("search")
    page.get_by_role("textbox", name=zh("search.query")).fill(values["link"])
    page.get_by_role("button", name=zh("search.button")).click()
    page.get_by_text(zh("search.entity")).first.wait_for()
    sweep.check("search-found")
    open_profile(sweep)
    sweep.check("entity")
    sweep.open("search")
    page.get_by_role("tab", name=zh("search.paths_tab")).click()
    page.get_by_role("textbox", name=zh("search.from")).fill(values["image"])
    page.get_by_role("textbox", name=zh("search.to")).fill(RING_PHONE)
    page.get_by_role("button", name=zh("search.trace")).click()
    page.get_by_text(zh("search.between").split("}")[-1].strip()).first.wait_for()
    sweep.check("search-traced")


def hostile_org_pages(sweep: Sweep, world: dict[str, Any], canary: Canary) -> None:
    """An analyst of the enterprise with a hostile name: its (empty) pages."""
    sweep.check("h-updates")
    sweep.open("submit")
    sweep.check("h-submit")
    for key in ("leads", "search", "entity"):
        sweep.open(key)
        sweep.check(f"h-{key}")


def officer_pages(sweep: Sweep, world: dict[str, Any], canary: Canary) -> None:
    """The inbox (the pushed lead, its chart's tooltip) and a search."""
    page = sweep.page
    sweep.check("updates")  # the home page
    sweep.open("inbox")
    page.get_by_role("heading").filter(has_text="HXIMG").first.wait_for()
    chart_tooltip(sweep, "inbox")
    sweep.check("inbox")
    lead_id, values = world["lead"], payloads(canary.url)
    for key, value in (
        (f"case_ref_{lead_id}", f"{values['image']} {values['script_link']}"),
        (f"reviewing_officer_{lead_id}", values["html"][:100]),
    ):
        sweep.widget(key).first.fill(value)
        page.keyboard.press("Enter")
        idle(page)
    page.get_by_role("button", name=zh("inbox.case_save")).click()
    sweep.message("inbox.case_saved")
    sweep.check("inbox-case-saved")
    sweep.open("search")
    page.get_by_role("textbox", name=zh("search.query")).fill(RING_PHONE)
    page.get_by_role("button", name=zh("search.button")).click()
    page.get_by_text(zh("search.entity")).first.wait_for()
    sweep.check("officer-search-found")
    open_profile(sweep)
    sweep.check("officer-entity")
    write_note(sweep, everything(canary.url))
    sweep.check("officer-entity-note-added")


def write_note(sweep: Sweep, text: str) -> None:
    """Type ``text`` as a new working note of the page's notes section and add it."""
    page = sweep.page
    box = page.get_by_role("textbox", name=zh("notes.new")).first
    box.scroll_into_view_if_needed()
    box.fill(text)
    page.get_by_role("button", name=zh("notes.add")).first.click()
    idle(page)


def open_profile(sweep: Sweep) -> None:
    """Open the profile of the entity a search found (its "open profile" button)."""
    page = sweep.page
    page.get_by_role("button", name=zh("entity.open")).first.click()
    page.get_by_role("heading", name=zh("nav.entity")).first.wait_for()
    page.get_by_text(zh("notes.header")).first.wait_for()


def chart_tooltip(sweep: Sweep, where: str) -> None:
    """Select a node whose data holds HTML: the chart's infopanel shows its values as text."""
    page = sweep.page
    element = page.locator("iframe[title*='streamlit_cytoscape']").first
    element.scroll_into_view_if_needed()
    handle = element.element_handle()
    frame = handle.content_frame() if handle else None
    assert frame is not None
    cy = "document.getElementById('cy') && document.getElementById('cy')._cyreg"
    frame.wait_for_function(f"() => {cy} && {cy}.cy.nodes().length > 0", timeout=WAIT_MS)
    page.wait_for_timeout(2500)  # the chart settles
    node = frame.evaluate(HOSTILE_NODE_JS)
    assert node, "no node of the lead's chart carries the hostile HTML"
    frame.wait_for_selector("#infopanel[data-expanded='true']", timeout=10_000)
    shown = frame.evaluate(
        "() => { const p = document.getElementById('infopanelProps');"
        " return {tags: [...p.querySelectorAll('*')].map(e => e.tagName)"
        ".filter(tag => tag !== 'DIV' && tag !== 'P'), text: p.innerText}; }"
    )
    if shown["tags"] or "<" not in shown["text"]:
        sweep.findings.append(f"{where}: the chart's infopanel {shown}")


ROLES = {  # in this order: the admin's withdrawal puts the lead under review for the others
    "admin_x": admin_pages,
    "analyst_x": analyst_pages,
    "analyst_h": hostile_org_pages,
    "officer_x": officer_pages,
}


def test_no_page_makes_an_element_from_data(world: dict[str, Any], canary: Canary) -> None:
    from playwright.sync_api import sync_playwright

    findings: list[str] = []
    with (
        served_workbench(ROOT / "test-artifacts" / "streamlit-hostile.log") as url,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for username, visit in ROLES.items():
                role = principal(world["store"], username).role
                context = browser.new_context(
                    viewport={"width": 1440, "height": 2000}, locale="zh-CN"
                )
                page = context.new_page()
                page.set_default_timeout(WAIT_MS)
                sweep = Sweep(page, canary, [entry.key for entry in entries_for(role)])
                browser_sign_in(page, url, username, PASSWORD)
                try:
                    visit(sweep, world, canary)
                finally:
                    findings += [f"{username} {line}" for line in sweep.findings]
                    context.close()
        finally:
            browser.close()
    assert not findings, "\n".join(findings)
