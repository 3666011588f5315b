"""The review page in headless Chromium (Debian's chromium and chromium-driver, driven by
Selenium; nothing is downloaded), on the demo school without biometric consent and the real
face engine: name a face, approve a photo for a channel, and the CLI shows both.

Without chromium and chromedriver these tests fail, naming what to install: a browser test that
skips itself would let a broken page pass unnoticed (`.ci/run` installs both).
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fotopoort.config import load_policy, template_text
from fotopoort.engines.faces import DlibEngine
from fotopoort.web.server import ServeOptions, serve

from .conftest import Cli
from .test_recheck import SEPTEMBER, demo

pytestmark = [pytest.mark.browser, pytest.mark.engine]

CHROMIUM = ("chromium", "chromium-browser")
DRIVER = "chromedriver"
BIOMETRIC_LINE = "biometric_column: Gezichtsherkenning fotoselectie\n"


def _browser() -> tuple[str, str]:
    binary = next((p for p in map(shutil.which, CHROMIUM) if p), None)
    driver = shutil.which(DRIVER)
    if binary is None or driver is None:
        pytest.fail(
            "the browser tests of the review page cannot run: chromium and chromedriver are "
            "not installed (Debian: apt-get install -y chromium chromium-driver)",
            pytrace=False,
        )
    return binary, driver


@pytest.fixture
def kamp_school(make_cli: Callable[..., Cli], shared: Path) -> Cli:
    """The demo school with no biometric_column: every camp photo with a face in review."""
    cli = make_cli(DlibEngine, config_text=template_text().replace(BIOMETRIC_LINE, ""))
    assert cli("consents", "import", demo(shared, SEPTEMBER)).exit_code == 0
    for channel in ("website", "school"):
        result = cli("check", shared / "demo" / "kamp", "-c", channel, "-j", "1")
        assert result.exit_code == 1, result.output
    return cli


@pytest.fixture
def page(kamp_school: Cli) -> Iterator[tuple[Any, str]]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver_path = _browser()
    ready: list[str] = []
    stop = threading.Event()
    policy = load_policy(kamp_school.config)
    thread = threading.Thread(
        target=serve,
        args=(policy, ServeOptions(open_browser=False), lambda _line: None),
        kwargs={"stop": stop, "on_ready": ready.append},
    )
    thread.start()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    options.add_argument("--window-size=1400,1000")
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        for _ in range(200):
            if ready or not thread.is_alive():
                break
            threading.Event().wait(0.05)
        assert ready, "the review page did not start"
        yield driver, ready[0]
    finally:
        driver.quit()
        stop.set()
        thread.join(10)


def section(driver: Any, name: str) -> Any:
    from selenium.webdriver.common.by import By

    for s in driver.find_elements(By.CSS_SELECTOR, "section.photo"):
        if s.find_element(By.TAG_NAME, "h2").text.split(" ")[0] == name:
            return s
    raise AssertionError(f"{name} is not on the page")


def shows(driver: Any, text: str, seconds: float = 30) -> bool:
    """The page shows `text`, waiting for the navigation a click or Enter started (a click
    returns before the next page has loaded; reading page_source at once is a race)."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        WebDriverWait(driver, seconds).until(lambda d: text in d.page_source)
    except TimeoutException:
        return False
    return True


def cli_json(cli: Cli, *args: str | Path) -> Any:
    result = cli(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_teacher_names_a_face_and_approves_a_photo(
    page: tuple[Any, str], kamp_school: Cli, shared: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    driver, url = page
    kamp = shared / "demo" / "kamp"
    driver.get(url)
    assert "token" not in driver.current_url  # exchanged for the cookie
    assert "photos waiting for review" in driver.find_element(By.TAG_NAME, "h1").text
    images = driver.find_elements(By.CSS_SELECTOR, "section.photo img")
    assert images and all(
        driver.execute_script("return arguments[0].naturalWidth", img) > 0 for img in images
    )  # every photo shown, from this page (the CSP allows nothing else)
    who = driver.find_element(By.ID, "by")
    who.clear()
    who.send_keys("juf Anna", Keys.ENTER)
    assert shows(driver, ">Change</button>")  # the page again, now with the name saved

    # keyboard: j moves to the next photo
    driver.find_element(By.TAG_NAME, "body").send_keys("j")
    current = driver.find_elements(By.CSS_SELECTOR, "section.photo.current")
    assert (
        len(current) == 1
        and current[0] == driver.find_elements(By.CSS_SELECTOR, "section.photo")[1]
    )

    mila = section(driver, "k12_mila.jpg")
    Select(mila.find_element(By.CSS_SELECTOR, 'select[data-face="1"]')).select_by_visible_text(
        "Mila (Bevers)"
    )
    mila.find_element(By.CSS_SELECTOR, "form.assign input[name=note]").send_keys("at the fire")
    mila.find_element(By.CSS_SELECTOR, "form.assign button").click()
    assert shows(driver, "face 1 named; k12_mila.jpg: now allowed"), driver.page_source

    liam = section(driver, "sub/k14_liam.jpg")
    school = next(
        f
        for f in liam.find_elements(By.CSS_SELECTOR, "form.approve")
        if f.find_element(By.CSS_SELECTOR, "input[name=channel]").get_attribute("value") == "school"
    )
    school.find_element(By.CSS_SELECTOR, "input[name=note]").send_keys("checked with the class")
    school.find_element(By.CSS_SELECTOR, "button").click()
    assert shows(driver, "approved for school; sub/k14_liam.jpg: now allowed"), driver.page_source

    # the CLI sees both, audited with the name given on the page
    website = {e["rel"] for e in cli_json(kamp_school, "review", "list", "-c", "website")}
    assert "k12_mila.jpg" not in website and "sub/k14_liam.jpg" in website
    school_list = {e["rel"] for e in cli_json(kamp_school, "review", "list", "-c", "school")}
    assert "sub/k14_liam.jpg" not in school_list and "k13_speelveld_daan_noah.jpg" in school_list
    named = cli_json(kamp_school, "audit", "--photo", kamp / "k12_mila.jpg")
    assert any(
        (e["action"], e["actor"], e["channel"], e["decision"], e["note"])
        == ("review", "juf Anna", "website", "allowed", "at the fire")
        for e in named
    )
    approved = cli_json(kamp_school, "audit", "--photo", kamp / "sub" / "k14_liam.jpg")
    assert any(
        (e["action"], e["actor"], e["channel"], e["decision"], e["note"])
        == ("review", "juf Anna", "school", "allowed", "checked with the class")
        for e in approved
    )
