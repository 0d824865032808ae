#!/usr/bin/env python3
"""Log into a running Odoo and save screenshots of pages, with headless Chromium.

    .venv-tests/bin/python setup/screenshot.py --url http://localhost:8069 \
        --login admin --password admin \
        /odoo/action-base.open_module_tree=docs/apps.png

Each PATH=FILE argument opens PATH (after logging in) and writes a PNG. Needs Debian's
``chromium`` and the ``websocket-client`` package (in the test virtualenv, .venv-tests/,
made by setup/test.sh); it talks to Chromium over its DevTools protocol and only ever to
the given Odoo URL on this machine. It does not import Odoo.
"""

import argparse
import base64
import itertools
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request

import websocket

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1440,900",
]


CLICK_BY_TEXT = """(() => {
    const text = %s;
    const items = text.startsWith("css:")
        ? [...document.querySelectorAll(text.slice(4))]
        : [...document.querySelectorAll(
            'button, a, span.o-dropdown-item, .dropdown-item, .o_menu_item')]
            .filter((el) => el.textContent.trim() === text);
    const item = items.find((el) => el.offsetParent !== null);
    if (item) { item.click(); }
    return !!item;
})()"""


class Browser:
    def __init__(self, port=9333, phone=False):
        self.profile = tempfile.mkdtemp(prefix="segeval-chromium-")
        binary = shutil.which("chromium") or shutil.which("chromium-browser")
        if not binary:
            raise SystemExit("chromium not found: apt-get install chromium")
        self.process = subprocess.Popen(
            [
                binary,
                *CHROMIUM_FLAGS,
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/json"
                ) as response:
                    page = next(t for t in json.load(response) if t["type"] == "page")
                break
            except (OSError, StopIteration):
                time.sleep(0.1)
        else:
            raise SystemExit("chromium did not start")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.ids = itertools.count(1)
        if phone:
            # A 390 px phone: Odoo switches to its small-screen layout.
            self.call(
                "Emulation.setDeviceMetricsOverride",
                width=390,
                height=844,
                deviceScaleFactor=2,
                mobile=True,
            )
            self.call("Emulation.setTouchEmulationEnabled", enabled=True)

    def call(self, method, **params):
        call_id = next(self.ids)
        self.ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == call_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.call(
            "Runtime.evaluate",
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
        )
        return result.get("result", {}).get("value")

    def goto(
        self, url, ready="document.readyState === 'complete'", settle=2.0, timeout=60
    ):
        self.call("Page.navigate", url=url)
        deadline = time.time() + timeout
        while time.time() < deadline:
            time.sleep(0.3)
            if self.evaluate(f"!!({ready})"):
                break
        time.sleep(settle)

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as handle:
            handle.write(base64.b64decode(data))

    def close(self):
        self.ws.close()
        self.process.terminate()
        self.process.wait(10)
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument(
        "--wait-for",
        default=".o_action_manager .o_view_controller, .o_portal_wrap, main",
        help="CSS selector that shows the page is drawn",
    )
    parser.add_argument(
        "--click",
        action="append",
        default=[],
        metavar="TEXT",
        help="after each page loads, click the button or menu item showing TEXT, "
        "or matching css:SELECTOR (repeatable)",
    )
    parser.add_argument(
        "--phone", action="store_true", help="a 390 px phone screen, not 1440"
    )
    parser.add_argument(
        "--debug-port", type=int, default=9333, help="Chromium's DevTools port"
    )
    parser.add_argument("shots", nargs="+", metavar="PATH=FILE")
    args = parser.parse_args()

    browser = Browser(port=args.debug_port, phone=args.phone)
    try:
        browser.goto(f"{args.url}/web/login", settle=0.5)
        browser.evaluate(
            "document.querySelector('input[name=login]').value = %s;"
            "document.querySelector('input[name=password]').value = %s;"
            "document.querySelector('form.oe_login_form').submit();"
            % (json.dumps(args.login), json.dumps(args.password))
        )
        time.sleep(3)
        for shot in args.shots:
            path, _, target = shot.partition("=")
            browser.goto(
                args.url + path,
                ready=f"document.querySelector({json.dumps(args.wait_for)})",
            )
            for text in args.click:
                browser.evaluate(CLICK_BY_TEXT % json.dumps(text))
                time.sleep(1.5)
            # Odoo's "page is out of date" toast shows in a headless profile: close it.
            browser.evaluate(CLICK_BY_TEXT % json.dumps("css:.o_notification_close"))
            time.sleep(0.5)
            browser.screenshot(target)
            print(f"saved {target} ({path})")
    finally:
        browser.close()


if __name__ == "__main__":
    main()
