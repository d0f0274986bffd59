"""Hostile posts in Chromium: nothing a member writes runs as script, even with the CSP switched off; the CSP forbids
inline script."""

import pytest
from playwright.sync_api import expect

from forum.qa import services
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

# Each payload, if it ever ran, would set window.__xss or open a dialog (alert/confirm/prompt).
PAYLOADS = [
    "<script>window.__xss = 1</script>",
    "<SCRIPT SRC=data:text/javascript,window.__xss=1></SCRIPT>",
    '<img src=x onerror="window.__xss = 1">',
    "<img src=x onerror=alert(1)//",
    '<b onmouseover="window.__xss = 1">hover me</b>',
    "<details open ontoggle=window.__xss=1>",
    "<input autofocus onfocus=window.__xss=1>",
    "<body onload=alert(1)>",
    "<svg onload=window.__xss=1>",
    "<svg><script>window.__xss = 1</script></svg>",
    '<math><mtext><table><mglyph><style><img src=x onerror="window.__xss=1">',
    '<iframe src="javascript:parent.__xss=1"></iframe>',
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    '<object data="javascript:window.__xss=1"></object><embed src="javascript:window.__xss=1">',
    '<form action="javascript:window.__xss=1"><button>Send</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=1">',
    '<p style="background:url(javascript:window.__xss=1)">styled</p>',
    '<div style="width: expression(window.__xss=1)">old IE</div>',
    "<style>@import 'javascript:window.__xss=1';</style>",
    '<a href="javascript:window.__xss=1">raw link</a>',
    '<a href="jav&#x09;ascript:window.__xss=1">tab link</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:window.__xss=1">entity link</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:window.__xss=1)",
    "[x]( javascript:window.__xss=1 )",
    "[x](jav&#x09;ascript:window.__xss=1)",
    "[x](&#106;avascript:window.__xss=1)",
    "[x](java%0ascript:window.__xss=1)",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5wYXJlbnQuX194c3M9MTwvc2NyaXB0Pg==)",
    '[x](https://example.org "title\\" onmouseover=\\"window.__xss=1")',
    "[ref link][evil]\n\n[evil]: javascript:window.__xss=1",
    "<javascript:window.__xss=1>",
    "<data:text/html,<script>parent.__xss=1</script>>",
    "![img](javascript:window.__xss=1) ![img2](x\" onerror=\"window.__xss=1)",
    "<<script>script>window.__xss=1<</script>/script>",
    "<scr<script>ipt>window.__xss=1</scr</script>ipt>",
    '"><script>window.__xss=1</script>',
    "'--><script>window.__xss=1</script>",
    "<!--<script>window.__xss=1//-->",
    "</textarea><script>window.__xss=1</script>",
    "</title><script>window.__xss=1</script>",
    "&lt;script&gt;window.__xss=1&lt;/script&gt;",
    "&#60;img src=x onerror=window.__xss=1&#62;",
    "`<script>window.__xss=1</script>` and\n\n    <img src=x onerror=window.__xss=1>",
    "<a href='https://example.org' onclick='window.__xss=1'>looks fine</a>",
]

HOSTILE_TITLE = '"><img src=x onerror=alert(1)> <script>window.__xss=1</script> a title'
SITE_SCRIPT = "/static/js/hearth.js"
# What a sanitised post body may contain (forum.content.ALLOWED_TAGS); anything else got through the sanitiser.
POST_TAGS = {"p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr", "h3", "h4", "h5",
             "h6"}

# Installed before any page script: records CSP violations and offers each payload's trigger events.
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
    e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""

INSPECT = """(postTags) => {
    for (const el of document.querySelectorAll('.post-body *, .comment-body *, .excerpt *, h1 *')) {
        for (const type of ['mouseover', 'focus', 'click', 'toggle', 'load', 'error']) {
            if (type === 'click' && el.closest('a')) continue;  // a link click would navigate; its href is checked
            el.dispatchEvent(new Event(type));
        }
    }
    const urlAttributes = ['href', 'src', 'action', 'formaction', 'data', 'srcdoc', 'xlink:href'];
    return {
        xss: typeof window.__xss,
        violations: window.__violations,
        scripts: [...document.querySelectorAll('script')].map(s => s.getAttribute('src') || 'inline: ' + s.textContent),
        onAttributes: [...document.querySelectorAll('*')].flatMap(el => [...el.attributes]
            .filter(a => a.name.toLowerCase().startsWith('on')).map(a => `<${el.localName} ${a.name}="${a.value}">`)),
        styleAttributes: [...document.querySelectorAll('[style]')].map(el => el.outerHTML.slice(0, 100)),
        badUrls: [...document.querySelectorAll('*')].flatMap(el => urlAttributes.filter(n => el.hasAttribute(n))
            .map(n => [el, n, new URL(el.getAttribute(n), document.baseURI).protocol]))
            .filter(([el, n, protocol]) => n === 'srcdoc' || !['http:', 'https:', 'mailto:'].includes(protocol))
            .map(([el, n, protocol]) => `<${el.localName} ${n}="${el.getAttribute(n)}">`),
        foreignTags: [...document.querySelectorAll('.post-body *, .comment-body *, .excerpt *')]
            .filter(el => !postTags.includes(el.localName)).map(el => el.outerHTML.slice(0, 100)),
    };
}"""


@pytest.fixture
def hostile_thread(make_user):
    """A question, answers and comments carrying every payload, stored by the services as a member submits them."""
    asker = make_user("member", "asker_eve")
    helper = make_user("member", "helper_mal")
    body = "Every trick in one question:\n\n" + "\n\n".join(PAYLOADS)
    question = services.ask_question(asker, HOSTILE_TITLE, body, "safety, testing")
    services.post_comment(helper, question, "<script>window.__xss=1</script> [x](javascript:alert(1))")
    for payload in PAYLOADS:
        answer = services.post_answer(helper, question, f"Answer with a payload: {payload}")
        services.post_comment(asker, answer, payload)
    return question


def watched_page(new_context, **context_args):
    """A page that records dialogs, console errors, uncaught exceptions and CSP violations from its first byte."""
    context = new_context(**context_args)
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(5000)
    page.dialogs, page.errors = [], []

    def on_dialog(dialog):
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    return page


def assert_nothing_ran(page, path: str) -> None:
    """Open `path` and check that no payload ran and none survived in a form that could run later."""
    response = page.goto(path)
    assert response.ok, f"{path} answered {response.status}"
    found = page.evaluate(INSPECT, sorted(POST_TAGS))
    assert page.dialogs == [], path
    assert found["xss"] == "undefined", path
    assert found["violations"] == [], path
    assert page.errors == [], path
    assert found["scripts"] == [SITE_SCRIPT], path
    assert found["onAttributes"] == [], path
    assert found["styleAttributes"] == [], path
    assert found["badUrls"] == [], path
    assert found["foreignTags"] == [], path


def test_hostile_posts_run_nothing_even_with_the_csp_switched_off(live_server, new_context, hostile_thread):
    """With bypass_csp the sanitiser and template escaping are the only defence, so this checks them alone."""
    page = watched_page(new_context, bypass_csp=True)

    assert_nothing_ran(page, f"/questions/{hostile_thread.id}")

    expect(page.locator("article.post-answer")).to_have_count(len(PAYLOADS))
    expect(page.get_by_role("heading", level=1)).to_have_text(HOSTILE_TITLE)
    # Escaped markup stays visible as text, so readers see what was written.
    expect(page.locator("article.post-question .post-body")).to_contain_text("<script>window.__xss = 1</script>")
    expect(page.locator("article.post-question .post-body")).to_contain_text("<svg onload=window.__xss=1>")


def test_hostile_posts_run_nothing_on_lists_profiles_history_and_edit_forms(live_server, new_context, hostile_thread):
    page = watched_page(new_context, bypass_csp=True)
    sign_in(page, "asker_eve")

    for path in ["/", "/tags/safety", f"/questions/{hostile_thread.id}", "/users/helper_mal",
                 f"/posts/{hostile_thread.id}/revisions", f"/posts/{hostile_thread.id}/edit"]:
        assert_nothing_ran(page, path)

    expect(page.get_by_label("Text", exact=True)).to_have_value(
        "Every trick in one question:\n\n" + "\n\n".join(PAYLOADS)
    )


def test_hostile_posts_trigger_no_csp_violation_under_the_real_policy(live_server, new_context, hostile_thread):
    """A violation here would mean the policy had to block something a post smuggled into the page."""
    page = watched_page(new_context)

    assert_nothing_ran(page, f"/questions/{hostile_thread.id}")


def test_csp_header_forbids_inline_script_and_chromium_enforces_it(live_server, new_context):
    page = watched_page(new_context)
    response = page.goto("/")
    policy = dict(
        directive.strip().split(" ", 1) for directive in response.headers["content-security-policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"

    page.evaluate("""() => {
        const script = document.createElement('script');
        script.textContent = 'window.__inline = 1';
        document.body.appendChild(script);
        const button = document.createElement('button');
        button.setAttribute('onclick', 'window.__inline = 2');
        document.body.appendChild(button);
        button.click();
    }""")
    page.wait_for_function("window.__violations.length >= 2")
    assert page.evaluate("typeof window.__inline") == "undefined"
    assert page.evaluate("window.__violations.every(v => v.startsWith('script-src'))")
