#!/usr/bin/env python3
"""The console and portal in a real browser: headless Chromium (Debian's chromium and chromium-driver)
driven by Selenium, against the real binary (`omnimeter serve` with the built-in upstream simulator) and
the test PostgreSQL. Called by scripts/test.sh after the Swift tests:

    python3 tests/browser/console_test.py [--binary .build/debug/omnimeter] [--database URL]

Signs in, creates a tenant and a key through the forms, tops it up, sees the balance, downloads the CSV,
signs out; a finance token cannot write; a tenant named <img src=x onerror=alert(1)> shows as text and
runs nothing; a POST without the CSRF token is 403 and changes nothing; a tenant named
<script>alert(1)</script> gets a grant, a rate card and budgets through the tenant page's forms (the admin
API then answers them) and its deliveries page opens; the portal lists statements and deliveries; finance
sees none of those forms. Saves screenshots of the
overview, a tenant page and the portal in docs/. Prints `N passed, M failed`; exits 1 on any failure.
"""
import argparse
import glob
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HOSTILE = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(1)</script>"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, process, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.3)
    return False


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Server:
    """The simulator and the gateway, on loopback ports the OS chose."""

    def __init__(self, binary, database_url, logs):
        self.admin_token = "omt_browser_" + secrets.token_hex(16)
        sim_port, port = free_port(), free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.sim_log = open(os.path.join(logs, "simulator.log"), "w")
        self.log = open(os.path.join(logs, "gateway.log"), "w")
        self.simulator = subprocess.Popen([binary, "upstream-simulator", "--listen", f"127.0.0.1:{sim_port}"],
                                          stdout=self.sim_log, stderr=self.sim_log)
        env = dict(os.environ, OMNIMETER_DATABASE_URL=database_url, OMNIMETER_LISTEN=f"127.0.0.1:{port}",
                   OMNIMETER_ADMIN_TOKEN=self.admin_token, OMNIMETER_UPSTREAM_URL=f"http://127.0.0.1:{sim_port}/kling",
                   OMNIMETER_UPSTREAM_KEY="simulator-key", OMNIMETER_POLL_INTERVAL_MS="500",
                   OMNIMETER_MIGRATIONS_DIR=os.path.join(ROOT, "sql"))
        env.pop("OMNIMETER_PUBLIC_URL", None)
        self.gateway = subprocess.Popen([binary, "serve"], stdout=self.log, stderr=self.log, env=env, cwd=ROOT)
        if not wait_http(self.base + "/healthz", self.gateway):
            self.stop()
            raise SystemExit("console_test: the gateway did not start; see " + self.log.name)

    def stop(self):
        for process in (self.gateway, self.simulator):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()

    def admin(self, method, path, body=None):
        request = urllib.request.Request(self.base + path, method=method,
                                         data=None if body is None else json.dumps(body).encode(),
                                         headers={"Authorization": "Bearer " + self.admin_token, "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    def tenants_named(self, name):
        found, cursor = [], None
        while True:
            page = self.admin("GET", "/admin/v1/tenants?limit=200" + (f"&cursor={cursor}" if cursor else ""))
            found += [t for t in page["data"] if t["name"] == name]
            cursor = page.get("next_cursor")
            if not cursor:
                return found

    def post_form(self, path, fields, cookie):
        """A POST as a page elsewhere (or a script) would send it, with the browser's session cookie."""
        opener = urllib.request.build_opener(NoRedirect)
        request = urllib.request.Request(self.base + path, method="POST", data=urllib.parse.urlencode(fields).encode(),
                                         headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        try:
            with opener.open(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


def browser(download_dir):
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000",
                     "--no-first-run", "--disable-extensions"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"download.default_directory": download_dir, "download.prompt_for_download": False})
    service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": download_dir})
    return driver


class Run:
    def __init__(self):
        self.passed, self.failed = 0, 0

    def check(self, name, function):
        try:
            function()
            self.passed += 1
            print(f"ok - {name}", flush=True)
        except Exception as error:  # a failed check is reported and the others still run
            self.failed += 1
            print(f"FAILED - {name}: {error!r}", flush=True)
            traceback.print_exc(limit=3)


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "debug", "omnimeter"))
    parser.add_argument("--database", default=os.environ.get("OMNIMETER_TEST_DATABASE_URL", ""))
    parser.add_argument("--screenshots", default=os.path.join(ROOT, "docs"))
    args = parser.parse_args()
    if not args.database:
        raise SystemExit("console_test: set OMNIMETER_TEST_DATABASE_URL or pass --database (scripts/test.sh does)")
    work = tempfile.mkdtemp(prefix="omnimeter-browser-")
    downloads = os.path.join(work, "downloads")
    os.makedirs(downloads)
    os.makedirs(args.screenshots, exist_ok=True)
    server = Server(args.binary, args.database, work)
    driver = browser(downloads)
    run = Run()
    state = {}

    def go(path):
        driver.get(server.base + path)

    def submit(element, seconds=30):
        """Submits a form and waits until the next page has loaded (submit() returns before it)."""
        page = driver.find_element(By.TAG_NAME, "html")
        element.submit()
        WebDriverWait(driver, seconds).until(expected_conditions.staleness_of(page))
        WebDriverWait(driver, seconds).until(lambda d: d.execute_script("return document.readyState") == "complete")

    def at(path, seconds=10):
        """Whether the browser reaches `path` (a click navigates after it returns)."""
        deadline = time.time() + seconds
        while driver.current_url != server.base + path and time.time() < deadline:
            time.sleep(0.1)
        return driver.current_url == server.base + path

    def no_alert():
        try:
            text = driver.switch_to.alert.text
            raise AssertionError(f"a script ran: alert {text!r}")
        except NoAlertPresentException:
            pass

    def console_cookie():
        cookie = driver.get_cookie("omnimeter_console")
        expect(cookie is not None, "no console cookie")
        return f"omnimeter_console={cookie['value']}"

    def sign_in_console(token):
        go("/console/login")
        field = driver.find_element(By.NAME, "token")
        field.send_keys(token)
        submit(field)

    def signs_in():
        sign_in_console(server.admin_token)
        expect(at("/console/"), f"after sign-in at {driver.current_url}")
        cookie = driver.get_cookie("omnimeter_console")
        expect(cookie and cookie.get("httpOnly") and cookie.get("sameSite") == "Strict", f"cookie {cookie}")
        expect(driver.find_elements(By.CSS_SELECTOR, "svg.chart"), "the overview has no chart")

    def creates_tenant_named_like_markup():
        go("/console/tenants")
        form = driver.find_element(By.ID, "create-tenant")
        form.find_element(By.NAME, "name").send_keys(HOSTILE)
        form.find_element(By.NAME, "credit_limit_micros").send_keys("0")
        submit(form)
        expect("/console/tenants/" in driver.current_url, f"after create at {driver.current_url}")
        state["tenant_url"] = driver.current_url
        state["tenant_id"] = driver.current_url.rsplit("/", 1)[1]
        no_alert()
        expect(driver.find_element(By.TAG_NAME, "h1").text == HOSTILE, "the name is not shown as text")
        expect(not driver.find_elements(By.CSS_SELECTOR, "main img, img[src='x']"), "an img element was made from the name")
        go("/console/tenants")
        no_alert()
        expect(HOSTILE in driver.find_element(By.TAG_NAME, "table").text, "the list does not show the name as text")

    def creates_key():
        driver.get(state["tenant_url"])
        form = driver.find_element(By.ID, "create-key")
        form.find_element(By.NAME, "name").send_keys("browser key")
        submit(form)
        secret = driver.find_element(By.ID, "new-key-secret").text
        expect(secret.startswith("omk_"), f"secret {secret!r}")
        state["key"] = secret
        driver.get(state["tenant_url"])
        expect(secret not in driver.page_source, "the secret is shown a second time")

    def tops_up_and_sees_balance():
        driver.get(state["tenant_url"])
        form = driver.find_element(By.ID, "top-up")
        form.find_element(By.NAME, "amount_micros").send_keys("25000000")
        form.find_element(By.NAME, "reason").send_keys("browser top-up")
        submit(form)
        expect(driver.find_element(By.ID, "available").text == "25.00 USD", driver.find_element(By.ID, "available").text)
        tenant = server.admin("GET", f"/admin/v1/tenants/{state['tenant_id']}")
        expect(tenant["balance"]["credits_micros"] == 25_000_000, tenant["balance"])
        driver.save_screenshot(os.path.join(args.screenshots, "console-tenant.png"))

    def downloads_csv():
        go("/console/reports")
        link = driver.find_element(By.ID, "csv-link")
        link.click()
        deadline = time.time() + 20
        files = []
        while time.time() < deadline:
            files = [f for f in glob.glob(os.path.join(downloads, "*.csv"))]
            if files:
                break
            time.sleep(0.3)
        expect(files, "no CSV was downloaded")
        with open(files[0], encoding="utf-8") as csv:
            header = csv.readline().strip()
        expect(header.startswith("task_id,tenant_id,tenant_name,key_id,key_name,endpoint,model"), header)

    def post_without_csrf_is_403():
        name = "no-csrf-" + secrets.token_hex(4)
        go("/console/tenants")
        driver.execute_script("document.querySelector('#create-tenant input[name=csrf]').remove()")
        form = driver.find_element(By.ID, "create-tenant")
        form.find_element(By.NAME, "name").send_keys(name)
        submit(form)
        expect(driver.title.startswith("403"), f"title {driver.title!r}")
        expect(server.post_form("/console/tenants", {"name": name}, console_cookie()) == 403, "a scripted POST was not 403")
        expect(server.tenants_named(name) == [], "a tenant was created without the CSRF token")

    def overview_screenshot():
        go("/console/")
        expect(driver.find_element(By.ID, "spend-today").text.endswith("USD"), "no figures")
        driver.save_screenshot(os.path.join(args.screenshots, "console-overview.png"))

    def signs_out():
        go("/console/")
        driver.find_element(By.CSS_SELECTOR, "form.signout button").click()
        expect(at("/console/login"), f"after sign-out at {driver.current_url}")
        go("/console/tenants")
        expect(driver.current_url == server.base + "/console/login", "a page opened after sign-out")

    def portal_shows_balance():
        go("/portal/login")
        field = driver.find_element(By.NAME, "key")
        field.send_keys(state["key"])
        submit(field)
        expect(at("/portal/"), f"after portal sign-in at {driver.current_url}")
        no_alert()
        expect(driver.find_element(By.ID, "available").text == "25.00 USD", driver.find_element(By.ID, "available").text)
        expect(driver.find_element(By.ID, "tenant-name").text == HOSTILE, "the portal does not show the name as text")
        expect(len(driver.find_elements(By.CSS_SELECTOR, "svg.chart")) == 2, "the portal has not two charts")
        driver.save_screenshot(os.path.join(args.screenshots, "portal.png"))

    def finance_cannot_write():
        token = server.admin("POST", "/admin/v1/tokens", {"name": "browser finance", "role": "finance"})["token"]
        driver.delete_all_cookies()
        sign_in_console(token)
        expect(at("/console/"), f"finance sign-in at {driver.current_url}")
        go("/console/tenants")
        expect(not driver.find_elements(By.ID, "create-tenant"), "finance sees the create form")
        driver.get(state["tenant_url"])
        expect(not driver.find_elements(By.ID, "top-up"), "finance sees the top-up form")
        expect(not driver.find_elements(By.CSS_SELECTOR, "form[action$='/revoke']"), "finance sees a revoke button")
        csrf = driver.find_element(By.CSS_SELECTOR, "form.signout input[name=csrf]").get_attribute("value")
        status = server.post_form(f"/console/tenants/{state['tenant_id']}/credits",
                                  {"amount_micros": "1000000", "reason": "finance", "csrf": csrf}, console_cookie())
        expect(status == 403, f"finance POST answered {status}")
        tenant = server.admin("GET", f"/admin/v1/tenants/{state['tenant_id']}")
        expect(tenant["balance"]["credits_micros"] == 25_000_000, f"finance changed the balance: {tenant['balance']}")

    def tenant_money_forms():
        tenant = server.admin("POST", "/admin/v1/tenants", {"name": SCRIPT})
        state["script_id"] = tenant["id"]
        state["script_url"] = f"{server.base}/console/tenants/{tenant['id']}"
        driver.get(state["script_url"])
        no_alert()
        expect(driver.find_element(By.TAG_NAME, "h1").text == SCRIPT, "the <script> name is not shown as text")
        form = driver.find_element(By.ID, "create-grant")
        form.find_element(By.NAME, "amount_micros").send_keys("3500000")
        form.find_element(By.NAME, "name").send_keys("browser grant")
        form.find_element(By.NAME, "priority").send_keys("2")
        submit(form)
        no_alert()
        expect("browser grant" in driver.find_element(By.ID, "grant-table").text, "the grant is not listed")
        grants = server.admin("GET", f"/admin/v1/tenants/{tenant['id']}/grants")["data"]
        expect([g["amount_micros"] for g in grants] == [3_500_000], f"grants {grants}")
        form = driver.find_element(By.ID, "set-multiplier")
        field = form.find_element(By.NAME, "multiplier")
        field.clear()
        field.send_keys("0.8")
        submit(form)
        expect(driver.find_element(By.ID, "card-multiplier").text == "0.8", driver.find_element(By.ID, "card-multiplier").text)
        card = server.admin("GET", f"/admin/v1/tenants/{tenant['id']}/pricing")
        expect(card["version"] == 1 and card["multiplier"] == "0.8", f"card {card}")
        form = driver.find_element(By.ID, "edit-budgets")
        form.find_element(By.NAME, "day_budget_micros").send_keys("2000000")
        zone = form.find_element(By.NAME, "time_zone")
        zone.clear()
        zone.send_keys("Asia/Tokyo")
        submit(form)
        expect(driver.find_element(By.ID, "time-zone").text == "Asia/Tokyo", "the time zone was not saved")
        expect("day" in driver.find_element(By.ID, "budget-table").text, "the day budget is not shown")
        budgets = server.admin("GET", f"/admin/v1/tenants/{tenant['id']}")["budgets"]
        expect([(b["period"], b["amount_micros"]) for b in budgets] == [("day", 2_000_000)], f"budgets {budgets}")
        expect("T15:00:00" in budgets[0]["window_start"], f"Tokyo day window {budgets[0]}")
        driver.find_element(By.LINK_TEXT, "Deliveries").click()
        expect(at(f"/console/tenants/{tenant['id']}/deliveries"), f"deliveries link went to {driver.current_url}")
        expect(driver.find_elements(By.ID, "delivery-table"), "no deliveries table")
        no_alert()

    def channels_and_events():
        go("/console/channels")
        form = driver.find_element(By.ID, "create-channel")
        name = f"{HOSTILE} {int(time.time())}"  # channel names are unique: a rerun on the same database makes another
        form.find_element(By.NAME, "name").send_keys(name)
        form.find_element(By.NAME, "base_url").send_keys("https://kling.example")
        form.find_element(By.NAME, "api_key").send_keys("sk-browser-secret")
        enabled = form.find_element(By.NAME, "enabled")
        if enabled.is_selected():
            enabled.click()  # disabled: no task of this run is routed to it
        submit(form)
        expect(at("/console/channels"), f"after channel create at {driver.current_url}")
        no_alert()
        expect(not driver.find_elements(By.CSS_SELECTOR, "main img, img[src='x']"), "an img element was made from the channel name")
        table = driver.find_element(By.ID, "channel-table").text
        expect(name in table and "bearer" in table, "the channel is not listed as text with its auth kind")
        expect("sk-browser-secret" not in driver.page_source, "the channel's secret is shown")
        channels = server.admin("GET", "/admin/v1/channels")["data"]
        expect(any(c["name"] == name and not c["enabled"] for c in channels), channels)
        go(f"/console/events?tenant_id={state['tenant_id']}")
        expect(driver.find_elements(By.ID, "event-table"), "the events page has no table")
        go(f"/console/tenants/{state['tenant_id']}/deliveries")
        driver.find_element(By.ID, "events-link").click()
        expect(at(f"/console/events?tenant_id={state['tenant_id']}"), f"the events link went to {driver.current_url}")

    def unknown_query_parameter_is_400():
        go("/console/tasks?state=failed")
        expect(driver.title.startswith("400"), f"title {driver.title!r}")
        expect("state: unknown query parameter" in driver.page_source, "the page does not name the parameter")

    def portal_statements_and_deliveries():
        go("/portal/statements")
        no_alert()
        month = time.strftime("%Y-%m", time.gmtime())
        link = driver.find_element(By.LINK_TEXT, f"statement {month}")
        link.click()
        expect(at(f"/portal/statements/{month}.html"), f"statement link went to {driver.current_url}")
        expect(driver.find_element(By.TAG_NAME, "h1").text == f"Statement {month}", "not the statement page")
        go("/portal/deliveries")
        expect(driver.find_elements(By.ID, "delivery-table"), "no deliveries table in the portal")
        expect(not driver.find_elements(By.CSS_SELECTOR, "form[action$='/retry']"), "the portal shows a retry button")

    def finance_sees_no_money_forms():
        driver.get(state["script_url"])
        no_alert()
        expect(driver.find_element(By.TAG_NAME, "h1").text == SCRIPT, "the <script> name is not shown as text to finance")
        for form in ("create-grant", "set-multiplier", "set-row", "reset-pricing", "edit-budgets", "edit-tenant", "create-key"):
            expect(not driver.find_elements(By.ID, form), f"finance sees the form {form}")
        expect(not driver.find_elements(By.CSS_SELECTOR, "form[action$='/void']"), "finance sees a void button")
        expect("browser grant" in driver.find_element(By.ID, "grant-table").text, "finance does not see the grant")
        driver.get(state["script_url"] + "/deliveries")
        expect(driver.find_elements(By.ID, "delivery-table"), "finance sees no deliveries table")
        expect(len(driver.find_elements(By.CSS_SELECTOR, "form[method=post]")) == 1, "finance sees a form other than sign-out")
        driver.get(server.base + "/console/channels")
        expect(driver.find_elements(By.ID, "channel-table") and not driver.find_elements(By.ID, "create-channel"), "finance sees the channel form")

    try:
        run.check("signs in with an admin token", signs_in)
        run.check("creates a tenant named <img src=x onerror=alert(1)>: shown as text, runs nothing", creates_tenant_named_like_markup)
        run.check("creates a key through the form; the secret is shown once", creates_key)
        run.check("tops up through the form and sees the balance", tops_up_and_sees_balance)
        run.check("downloads the usage CSV", downloads_csv)
        run.check("a tenant named <script>alert(1)</script>: grant, rate card, budgets and deliveries through its page", tenant_money_forms)
        run.check("channels: create one named like markup (shown as text, secret never shown); events linked from deliveries", channels_and_events)
        run.check("an unknown query parameter is a 400 page naming it", unknown_query_parameter_is_400)
        run.check("a POST without the CSRF token is 403 and changes nothing", post_without_csrf_is_403)
        run.check("the overview shows its figures", overview_screenshot)
        run.check("signs out", signs_out)
        run.check("the portal shows the tenant's balance and charts", portal_shows_balance)
        run.check("the portal lists statements (each opens) and deliveries", portal_statements_and_deliveries)
        run.check("a finance token sees no write control and its POST is 403", finance_cannot_write)
        run.check("finance sees grants, rate card, budgets and deliveries with no form that writes", finance_sees_no_money_forms)
    finally:
        driver.quit()
        server.stop()
    print(f"{run.passed} passed, {run.failed} failed")
    sys.exit(1 if run.failed else 0)


if __name__ == "__main__":
    main()
