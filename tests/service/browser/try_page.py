"""try_page.py: the officer's playground (/try) driven as a person would: a source uploaded through the file input or
pasted, compiled in the server, the diagnostics and checks read back, sample records typed in and decided."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait


def open_page(driver, base):
    driver.get(base + "/try")
    WebDriverWait(driver, 15).until(lambda d: d.find_element(By.ID, "compile").is_displayed())


def _counter(driver, name):
    return driver.execute_script("return document.body.dataset[arguments[0]] || '0'", name)


def _wait_counter(driver, name, before):
    WebDriverWait(driver, 20).until(lambda d: _counter(d, name) != before)


def upload(driver, path):
    """choose a file in the page's file input: the page reads it and compiles it"""
    before = _counter(driver, "compiled")
    driver.find_element(By.ID, "upload").send_keys(path)
    _wait_counter(driver, "compiled", before)


def paste(driver, source):
    """put the text in the source box as a paste does (one input event), then press 编译检查"""
    driver.execute_script(
        "const s = document.getElementById('source'); s.value = arguments[0];"
        "s.dispatchEvent(new Event('input', {bubbles: true}));", source)
    compile_now(driver)


def compile_now(driver):
    before = _counter(driver, "compiled")
    driver.find_element(By.ID, "compile").click()
    _wait_counter(driver, "compiled", before)


def set_language(driver, lang):
    """the zh/en switch: the page compiles again in the other language"""
    before = _counter(driver, "compiled")
    Select(driver.find_element(By.ID, "lang")).select_by_value(lang)
    _wait_counter(driver, "compiled", before)


def shown_diagnostics(driver):
    found = []
    for li in driver.find_elements(By.CSS_SELECTOR, "#diagnostics li"):
        found.append({"line": int(li.get_attribute("data-line")), "column": int(li.get_attribute("data-column")),
                      "level": li.get_attribute("data-level"), "where": li.find_element(By.CSS_SELECTOR, ".where").text,
                      "message": li.find_element(By.CSS_SELECTOR, ".message").text})
    text = driver.find_element(By.ID, "diagnostics-text").get_attribute("textContent")
    summary = driver.find_element(By.ID, "compile-summary")
    return found, text, summary.get_attribute("data-ok"), summary.text


def policy_table(driver):
    rows = {}
    for tr in driver.find_elements(By.CSS_SELECTOR, "#policy-info tr"):
        rows[tr.find_element(By.TAG_NAME, "th").text] = tr.find_element(By.TAG_NAME, "td").text
    return rows


def decide(driver, records_text):
    box = driver.find_element(By.ID, "records")
    box.clear()
    box.send_keys(records_text)
    before = _counter(driver, "decided")
    driver.find_element(By.ID, "decide").click()
    _wait_counter(driver, "decided", before)
    out = driver.find_element(By.ID, "decisions")
    rows = driver.find_elements(By.CSS_SELECTOR, "#decision-lines tr")
    return (out.get_attribute("textContent") if out.is_displayed() else None,
            driver.find_element(By.ID, "decide-summary").text, max(len(rows) - 1, 0))
