#!/usr/bin/python3
"""The web console through a real `canh-collector serve` (issue 23): plain HTTPS for the security
boundaries (CSRF, roles, session expiry, sign-in throttling, headers) and headless Chromium driven
by its WebDriver for what a person does (sign in, filter the queue, except a group in bulk, read
the finding). Run by scripts/test after the Swift build, with Debian's python3 (selenium).

CANH_CONSOLE_SCREENSHOTS=DIR also saves a 1366×768 screenshot of every page into DIR
(docs/console/ holds the committed ones).
"""
import datetime
import http.client
import json
import os
import pathlib
import re
import shutil
import ssl
import subprocess
import tempfile
import time
import unittest
import urllib.parse

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = ROOT / ".build" / "debug"


class Collector:
    """`canh-collector init` + a seeded province + `serve` on a free port."""

    def __init__(self, work, console_settings=""):
        self.work = pathlib.Path(work)
        self.data = self.work / "data"
        run([BIN / "canh-collector", "init", "--data-dir", self.data, "--hostname", "127.0.0.1"])
        run([BIN / "canh-collector-load", "seed-estate", "--database", self.data / "canh.sqlite", "--systems", "4",
             "--hosts-per-system", "3"])
        config = self.work / "collector.toml"
        config.write_text(console_settings)
        self.process = subprocess.Popen(
            [BIN / "canh-collector", "serve", "--config", config, "--data-dir", self.data, "--listen", "127.0.0.1:0"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        self.process.stdout.close()
        match = re.search(r"listening on (https://127\.0\.0\.1:(\d+))", line)
        if not match:
            self.process.kill()
            raise RuntimeError(f"serve did not start: {line!r}")
        self.url, self.port = match.group(1), int(match.group(2))
        self.admin = (self.data / "admin.token").read_text().strip()
        self.context = ssl.create_default_context(cafile=str(self.data / "ca.pem"))

    def cli(self, *arguments, token=None):
        environment = dict(os.environ, CANH_SERVER=self.url, CANH_TOKEN=token or self.admin, CANH_CA=str(self.data / "ca.pem"))
        return run([BIN / "canh-collector", *arguments], environment=environment)

    def add_user(self, name, role):
        return self.cli("users", "add", name, "--role", role).strip().splitlines()[-1]

    def findings(self, *filters):
        return json.loads(self.cli("findings", "list", *filters, "--format", "json", "--limit", "10000"))

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)


def run(arguments, environment=None):
    return subprocess.run([str(a) for a in arguments], check=True, capture_output=True, text=True, env=environment).stdout


class Visitor:
    """A browser without the browser: one cookie jar over HTTPS, redirects not followed."""

    def __init__(self, collector):
        self.collector = collector
        self.cookies = {}

    def request(self, method, path, fields=None, headers=None):
        connection = http.client.HTTPSConnection("127.0.0.1", self.collector.port, context=self.collector.context, timeout=30)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                cookie_value = rest.split(";", 1)[0]
                if "Max-Age=0" in value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = cookie_value
        connection.close()
        return response.status, dict((k.lower(), v) for k, v in response.getheaders()), text

    def sign_in(self, token):
        status, _, page = self.request("GET", "/ui/signin")
        assert status == 200, status
        signin = re.search(r'name="signin" value="([^"]+)"', page).group(1)
        return self.request("POST", "/ui/signin", {"signin": signin, "token": token})

    def csrf(self, path="/ui/findings"):
        status, _, page = self.request("GET", path)
        assert status == 200, (status, page[:300])
        return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1366,768",
                     "--ignore-certificate-errors", "--lang=vi"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(60)
    return driver


def submit(driver, button):
    """Clicks a button or link that loads a page and waits until the new page has loaded."""
    page = driver.find_element(By.TAG_NAME, "html")
    button.click()

    def replaced(_):
        # Chromium's driver reports the old page's node either as stale or, under load, as a node
        # that "does not belong to the document": both mean the page was replaced.
        try:
            page.is_enabled()
            return False
        except WebDriverException:
            return True

    WebDriverWait(driver, 60).until(replaced)
    WebDriverWait(driver, 60).until(lambda d: d.execute_script("return document.readyState") == "complete")


def sign_in_browser(driver, collector, token):
    driver.get(collector.url + "/ui/signin")
    driver.find_element(By.NAME, "token").send_keys(token)
    submit(driver, driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))


class ConsoleTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="canh-console-test")
        cls.collector = Collector(cls.work)
        cls.analyst = cls.collector.add_user("triage", "analyst")
        cls.viewer = cls.collector.add_user("reader", "viewer")

    @classmethod
    def tearDownClass(cls):
        cls.collector.stop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def test_pages_need_a_session_and_carry_security_headers(self):
        visitor = Visitor(self.collector)
        status, headers, _ = visitor.request("GET", "/ui/findings")
        self.assertEqual(status, 303)
        self.assertEqual(headers["location"], "/ui/signin")
        status, headers, page = visitor.request("GET", "/ui/signin")
        self.assertEqual(status, 200)
        self.assertIn("frame-ancestors 'none'", headers["content-security-policy"])
        self.assertIn("script-src 'self'", headers["content-security-policy"])
        self.assertNotIn("unsafe-inline", headers["content-security-policy"])
        self.assertEqual(headers["x-frame-options"], "DENY")
        self.assertNotRegex(page, r"<script>|<style>|style=")
        status, headers, _ = visitor.sign_in(self.viewer)
        self.assertEqual(status, 303)
        cookie = headers["set-cookie"]
        for attribute in ("Secure", "HttpOnly", "SameSite=Strict", "Path=/"):
            self.assertIn(attribute, cookie)
        # The session cookie is the console's alone: the API does not take it in place of a token.
        status, _, _ = visitor.request("GET", "/api/v1/findings")
        self.assertEqual(status, 401)

    def test_a_sign_in_form_from_elsewhere_is_refused(self):
        visitor = Visitor(self.collector)
        status, _, _ = visitor.request("POST", "/ui/signin", {"signin": "forged", "token": self.analyst})
        self.assertEqual(status, 403)
        self.assertNotIn("__Host-canh_session", visitor.cookies)

    def test_csrf_token_is_required_on_every_form(self):
        visitor = Visitor(self.collector)
        self.assertEqual(visitor.sign_in(self.analyst)[0], 303)
        token = visitor.csrf()
        form = {"system": "sys-2", "rule": "auth.ssh.bruteforce", "action": "acknowledge", "reason": "forged", "confirm": "yes",
                "expected": "6"}
        for forged in ({}, {"csrf": "canh_forged"}, {"csrf": token[:-1]}):
            status, _, page = visitor.request("POST", "/ui/findings/bulk", {**form, **forged})
            self.assertEqual(status, 403, forged)
            self.assertIn("CSRF", page)
        self.assertTrue(all(f["status"] == "open" for f in self.collector.findings("--system", "sys-2", "--rule", "auth.ssh.bruteforce")))
        status, headers, _ = visitor.request("POST", "/ui/findings/bulk", {**form, "csrf": token, "reason": "seen by the SOC"})
        self.assertEqual(status, 303, headers)
        self.assertTrue(all(f["status"] == "acknowledged"
                            for f in self.collector.findings("--system", "sys-2", "--rule", "auth.ssh.bruteforce")))
        # Signing out ends the session on the server: the old cookie opens nothing.
        old = dict(visitor.cookies)
        self.assertEqual(visitor.request("POST", "/ui/signout", {"csrf": token})[0], 303)
        visitor.cookies = old
        self.assertEqual(visitor.request("GET", "/ui/")[0], 303)

    def test_an_admin_ends_every_session_of_a_user(self):
        visitors = [Visitor(self.collector), Visitor(self.collector)]
        for visitor in visitors:
            self.assertEqual(visitor.sign_in(self.viewer)[0], 303)
            self.assertEqual(visitor.request("GET", "/ui/")[0], 200)
        # Other tests' sessions of the same viewer end too: at least these two.
        ended = re.search(r"ended (\d+) web console session\(s\) of reader", self.collector.cli("users", "signout", "reader"))
        self.assertGreaterEqual(int(ended.group(1)), 2)
        for visitor in visitors:
            self.assertEqual(visitor.request("GET", "/ui/")[:2][0], 303)
        audit = json.loads(self.collector.cli("audit", "--format", "json", "--limit", "20"))
        self.assertTrue(any(e["action"] == "console.sessions.revoke" and e["target"] == "reader" for e in audit))
        # The token itself still signs in.
        self.assertEqual(Visitor(self.collector).sign_in(self.viewer)[0], 303)

    def test_malformed_filters_and_forms_are_refused_naming_the_field(self):
        visitor = Visitor(self.collector)
        visitor.sign_in(self.analyst)
        for path, field in (("/ui/findings?severity=dire", "severity"), ("/ui/findings?since=2026-02-30", "since"),
                            ("/ui/findings?status=gone", "status"), ("/ui/findings?host=web%1B%5B2J", "host"),
                            ("/ui/findings/xyz", None), ("/ui/certificates?within=99999", "within")):
            status, _, page = visitor.request("GET", path)
            self.assertIn(status, (400, 404), path)
            if field:
                self.assertIn(field, page, path)
        token = visitor.csrf()
        base = {"csrf": token, "system": "sys-3", "rule": "auth.sudo.failure", "confirm": "yes", "expected": "0"}
        for form, field in (({"action": "except", "reason": "scanner"}, "until"),
                            ({"action": "except", "reason": "scanner", "until": "2026-13-01"}, "until"),
                            ({"action": "resolve", "reason": "  "}, "reason"),
                            ({"action": "comment", "reason": "a\x1b[2Jb"}, "reason"),
                            ({"action": "delete", "reason": "x"}, "action")):
            status, _, page = visitor.request("POST", "/ui/findings/bulk", {**base, **form})
            self.assertEqual(status, 400, form)
            self.assertIn(field, page, form)
        status, _, page = visitor.request("POST", "/ui/compliance/sys-3/ND85-MGT-POL-01/attest", {"csrf": token, "evidence": " "})
        self.assertEqual(status, 400)
        self.assertIn("evidence", page)
        attestations = json.loads(self.collector.cli("attestations", "list", "--system", "sys-3", "--format", "json"))
        self.assertFalse(any(a["requirement"] == "ND85-MGT-POL-01" and a["attested_by"] == "user:triage" for a in attestations))

    def test_a_bulk_action_is_refused_when_the_filter_matches_other_findings_than_confirmed(self):
        visitor = Visitor(self.collector)
        visitor.sign_in(self.analyst)
        token = visitor.csrf()
        form = {"csrf": token, "system": "sys-3", "rule": "auth.ssh.bruteforce", "action": "resolve", "reason": "patched",
                "confirm": "yes", "expected": "5"}
        status, _, page = visitor.request("POST", "/ui/findings/bulk", form)
        self.assertEqual(status, 409)
        self.assertIn("now matches 6 findings, not the 5 confirmed", page)
        self.assertTrue(all(f["status"] == "open" for f in self.collector.findings("--system", "sys-3", "--rule", "auth.ssh.bruteforce")))

    def test_a_viewer_sees_no_actions_and_is_refused_when_posting_the_form_anyway(self):
        driver = browser()
        try:
            sign_in_browser(driver, self.collector, self.viewer)
            driver.get(self.collector.url + "/ui/findings?system=sys-0&rule=auth.ssh.bruteforce")
            self.assertIn("6 phát hiện", driver.find_element(By.CSS_SELECTOR, "p.summary").text)
            self.assertEqual(driver.find_elements(By.ID, "bulk"), [])
            self.assertEqual(driver.find_elements(By.CSS_SELECTOR, "form[action='/ui/findings/bulk']"), [])
        finally:
            driver.quit()
        visitor = Visitor(self.collector)
        visitor.sign_in(self.viewer)
        token = visitor.csrf()
        status, _, page = visitor.request("POST", "/ui/findings/bulk", {
            "csrf": token, "system": "sys-0", "rule": "auth.ssh.bruteforce", "action": "resolve", "reason": "not mine to say",
            "confirm": "yes", "expected": "6"})
        self.assertEqual(status, 403)
        self.assertIn("chuyên viên phân tích", page)
        self.assertTrue(all(f["status"] == "open" for f in self.collector.findings("--system", "sys-0", "--rule", "auth.ssh.bruteforce")))

    def test_an_analyst_excepts_a_group_in_the_browser(self):
        until = (datetime.date.today() + datetime.timedelta(days=90))
        driver = browser()
        try:
            sign_in_browser(driver, self.collector, self.analyst)
            self.assertIn("Tổng quan", driver.title)
            driver.get(self.collector.url + "/ui/findings")
            Select(driver.find_element(By.NAME, "system")).select_by_value("sys-1")
            driver.find_element(By.NAME, "rule").send_keys("auth.ssh.bruteforce")
            submit(driver, driver.find_element(By.CSS_SELECTOR, "form.filter button[type=submit]"))
            query = urllib.parse.parse_qs(urllib.parse.urlparse(driver.current_url).query)
            self.assertEqual(query["system"], ["sys-1"])
            self.assertEqual(query["rule"], ["auth.ssh.bruteforce"])
            self.assertIn("6 phát hiện khớp bộ lọc", driver.find_element(By.CSS_SELECTOR, "p.summary").text)
            self.assertEqual(len(driver.find_elements(By.CSS_SELECTOR, "#findings tbody tr")), 6)
            driver.find_element(By.CSS_SELECTOR, "#bulk input[value=except]").click()
            driver.find_element(By.CSS_SELECTOR, "#bulk textarea[name=reason]").send_keys("Máy quét nội bộ của Sở, đã xác minh")
            # Typed as a person types into the date field (the browser's own widget, day first in Vietnamese).
            driver.execute_script("arguments[0].value = arguments[1]", driver.find_element(By.CSS_SELECTOR, "#bulk input[name=until]"),
                                  until.isoformat())
            submit(driver, driver.find_element(By.CSS_SELECTOR, "#bulk button[type=submit]"))
            self.assertIn("6 phát hiện?", driver.find_element(By.CSS_SELECTOR, "main .figure").text)
            submit(driver, driver.find_element(By.CSS_SELECTOR, "button[name=confirm]"))
            self.assertIn("Đã áp dụng cho 6 phát hiện", driver.find_element(By.CSS_SELECTOR, "p.notice").text)
            # The queue still filters open findings: the group has left it.
            self.assertIn("0 phát hiện khớp bộ lọc", driver.find_element(By.CSS_SELECTOR, "p.summary").text)
            driver.get(self.collector.url + "/ui/findings?system=sys-1&rule=auth.ssh.bruteforce")
            states = [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "#findings tbody td:nth-child(4)")]
            self.assertEqual(states, ["Ngoại lệ"] * 6)
            submit(driver, driver.find_element(By.CSS_SELECTOR, "#findings tbody tr a"))
            self.assertEqual(driver.find_element(By.ID, "status").text, "Ngoại lệ")
            timeline = driver.find_element(By.CSS_SELECTOR, "ol.timeline").text
            self.assertIn("user:triage", timeline)
            self.assertIn("Máy quét nội bộ của Sở, đã xác minh", timeline)
        finally:
            driver.quit()
        findings = self.collector.findings("--system", "sys-1", "--rule", "auth.ssh.bruteforce")
        self.assertEqual(len(findings), 6)
        for finding in findings:
            self.assertEqual(finding["status"], "excepted")
            self.assertEqual(finding["reason"], "Máy quét nội bộ của Sở, đã xác minh")
            # To the end of the chosen day in Vietnam: midnight UTC+07:00 is 17:00 UTC.
            self.assertEqual(finding["excepted_until"], f"{until.isoformat()}T17:00:00Z")
        audit = json.loads(self.collector.cli("audit", "--format", "json", "--limit", "200"))
        excepted = {entry["target"] for entry in audit if entry["action"] == "finding.except" and entry["actor"] == "user:triage"}
        self.assertEqual(excepted, {finding["fingerprint"] for finding in findings})

    def test_every_page_renders_in_both_languages(self):
        screenshots = os.environ.get("CANH_CONSOLE_SCREENSHOTS")
        driver = browser()
        try:
            sign_in_browser(driver, self.collector, self.collector.admin)
            fingerprint = self.collector.findings("--system", "sys-0", "--rule", "auth.ssh.bruteforce")[0]["fingerprint"]
            pages = [("overview", "/ui/"), ("systems", "/ui/systems"), ("system", "/ui/systems/sys-0"),
                     ("findings", "/ui/findings"), ("findings-group", "/ui/findings?system=sys-0&rule=auth.ssh.bruteforce"),
                     ("finding", f"/ui/findings/{fingerprint}"), ("compliance", "/ui/compliance"),
                     ("compliance-requirement", "/ui/compliance/sys-0/ND85-SRV-AUTH-01"), ("certificates", "/ui/certificates"),
                     ("alerts", "/ui/alerts"), ("reports", "/ui/reports"), ("audit", "/ui/audit")]
            for language, switch in (("vi", "English"), ("en", "Tiếng Việt")):
                for name, path in pages:
                    driver.get(self.collector.url + path)
                    self.assertEqual(driver.find_element(By.TAG_NAME, "html").get_attribute("lang"), language)
                    self.assertNotIn("Error", driver.title, path)
                    self.assertEqual(driver.find_element(By.CSS_SELECTOR, "a.language").text, switch)
                    if name == "finding":
                        # What to do, with links to the documentation of the setting (issue 25).
                        links = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "ul.references a")]
                        self.assertIn("https://man.openbsd.org/sshd_config#PasswordAuthentication", links)
                        self.assertIn("PasswordAuthentication", driver.find_element(By.TAG_NAME, "main").text)
                    if screenshots and language == "vi":
                        driver.save_screenshot(str(pathlib.Path(screenshots) / f"{name}.png"))
                if language == "vi":
                    submit(driver, driver.find_element(By.CSS_SELECTOR, "a.language"))
        finally:
            driver.quit()


    def test_an_analyst_attests_a_manual_requirement_from_the_matrix(self):
        driver = browser()
        try:
            sign_in_browser(driver, self.collector, self.analyst)
            driver.get(self.collector.url + "/ui/compliance?system=sys-1")
            cell = driver.find_element(By.CSS_SELECTOR, "#matrix a[href='/ui/compliance/sys-1/ND85-MGT-POL-01']")
            self.assertEqual(cell.text, "Cần xác nhận")
            submit(driver, cell)
            driver.find_element(By.CSS_SELECTOR, "#attest textarea[name=evidence]").send_keys("Quyết định 77/QĐ-SKHCN ban hành Quy chế")
            submit(driver, driver.find_element(By.CSS_SELECTOR, "#attest button[type=submit]"))
            self.assertEqual(driver.find_element(By.ID, "compliance-status").text, "Đã xác nhận")
            driver.get(self.collector.url + "/ui/compliance?system=sys-1")
            cell = driver.find_element(By.CSS_SELECTOR, "#matrix a[href='/ui/compliance/sys-1/ND85-MGT-POL-01']")
            self.assertEqual(cell.text, "Đã xác nhận")
        finally:
            driver.quit()
        attestations = json.loads(self.collector.cli("attestations", "list", "--system", "sys-1", "--format", "json"))
        self.assertTrue(any(a["requirement"] == "ND85-MGT-POL-01" and a["attested_by"] == "user:triage"
                            and a["evidence"] == "Quyết định 77/QĐ-SKHCN ban hành Quy chế" for a in attestations), attestations)

    def test_reports_download_with_their_digest_and_the_audit_log_is_for_admins(self):
        visitor = Visitor(self.collector)
        visitor.sign_in(self.viewer)
        status, headers, body = visitor.request("GET", "/ui/reports/download?kind=compliance&period=2026-H2&system=sys-0&format=json&lang=en")
        self.assertEqual(status, 200, body[:300])
        self.assertTrue(headers["content-disposition"].startswith("attachment;"), headers)
        report = json.loads(body)
        self.assertEqual(report["digest"], headers["x-canh-digest"])
        self.assertEqual([system["system"]["id"] for system in report["data"]["systems"]], ["sys-0"])
        status, _, page = visitor.request("GET", "/ui/reports/download?kind=compliance&period=2026-13")
        self.assertEqual(status, 400)
        self.assertIn("period", page)
        status, _, page = visitor.request("GET", "/ui/audit")
        self.assertEqual(status, 403)
        self.assertNotIn("<table", page)


class SessionLimitTests(unittest.TestCase):
    """Each with a collector of its own: throttling counts by address, and every test comes from 127.0.0.1."""

    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="canh-console-limits")
        self.collector = Collector(self.work, '[console]\nsession_idle = "4s"\nsession_lifetime = "1h"\n')
        self.analyst = self.collector.add_user("triage", "analyst")

    def tearDown(self):
        self.collector.stop()
        shutil.rmtree(self.work, ignore_errors=True)

    def test_failed_sign_ins_are_throttled_and_audited(self):
        visitor = Visitor(self.collector)
        statuses = [visitor.sign_in("canh_not-a-token-" + str(attempt))[0] for attempt in range(6)]
        self.assertEqual(statuses[:5], [401] * 5)
        self.assertEqual(statuses[5], 429)
        status, headers, _ = visitor.sign_in(self.analyst)
        self.assertEqual(status, 429, "a right token does not lift the wait either")
        self.assertGreater(int(headers["retry-after"]), 0)
        audit = json.loads(self.collector.cli("audit", "--format", "json", "--limit", "50"))
        actions = [entry["action"] for entry in audit]
        self.assertGreaterEqual(actions.count("console.signin.failed"), 5)
        self.assertIn("console.signin.throttled", actions)

    def test_an_idle_session_ends(self):
        visitor = Visitor(self.collector)
        visitor.sign_in(self.analyst)
        token = visitor.csrf()
        time.sleep(6)
        status, headers, _ = visitor.request("GET", "/ui/findings")
        self.assertEqual((status, headers.get("location")), (303, "/ui/signin"))
        status, _, page = visitor.request("POST", "/ui/findings/bulk", {
            "csrf": token, "system": "sys-0", "rule": "auth.ssh.bruteforce", "action": "resolve", "reason": "late",
            "confirm": "yes", "expected": "6"})
        self.assertEqual(status, 403)
        self.assertIn("Phiên làm việc đã hết hạn", page)
        self.assertTrue(all(f["status"] == "open" for f in self.collector.findings("--system", "sys-0", "--rule", "auth.ssh.bruteforce")))


if __name__ == "__main__":
    unittest.main(verbosity=2)
