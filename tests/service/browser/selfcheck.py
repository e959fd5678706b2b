"""selfcheck.py: the applicant's page (/) driven as a person would: every field of a record entered through the
form generated from the policy's schema (selects, checkboxes, date and number inputs, list rows added with the
page's own button), the form submitted, and the decision read back from what the page shows."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait


def wait_ready(driver, base):
    driver.get(base + "/")
    WebDriverWait(driver, 15).until(lambda d: d.execute_script("return document.body.dataset.ready === '1'"))


def only_bmp(text):
    return all(ord(c) < 0x10000 for c in text)


def set_input(driver, element, field, value):
    """enter one value the way a person would; absent and null leave the field at its default"""
    if value is None:
        return
    kind = field["type"]
    if kind == "enum":
        Select(element).select_by_value(value)
    elif kind == "bool":
        if element.is_selected() != bool(value):
            element.click()
    elif kind == "date":
        # a date input's keyboard entry follows the browser's locale (年/月/日 or mm/dd/yyyy); its value is the
        # same YYYY-MM-DD everywhere, so set that, with the events a person's entry fires
        driver.execute_script(
            "arguments[0].value = arguments[1];"
            "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
            "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));", element, value)
    else:
        text = str(value)
        element.clear()
        if only_bmp(text):
            element.send_keys(text)
        else:  # chromedriver types only the Basic Multilingual Plane: paste the rest
            driver.execute_script("arguments[0].value = arguments[1];", element, text)


def fill(driver, base, schema, record):
    wait_ready(driver, base)
    for field in schema["fields"]:
        value = record.get(field["name"])
        if field["type"] == "list":
            box = driver.find_element(By.CSS_SELECTOR, 'fieldset[data-list="%s"]' % field["name"])
            for element in value or []:
                box.find_element(By.CSS_SELECTOR, ":scope > button").click()
                row = box.find_elements(By.CSS_SELECTOR, ".row")[-1]
                for sub in field["fields"]:
                    set_input(driver, row.find_element(By.CSS_SELECTOR, '[data-field="%s"]' % sub["name"]), sub,
                              element.get(sub["name"]))
        else:
            set_input(driver, driver.find_element(By.CSS_SELECTOR, '.grid [data-field="%s"]' % field["name"]), field,
                      value)


def submit(driver):
    before = driver.execute_script("return document.getElementById('result').dataset.done || '0'")
    driver.find_element(By.ID, "submit").click()
    WebDriverWait(driver, 15).until(
        lambda d: d.execute_script("return document.getElementById('result').dataset.done || '0'") != before)


def shown_decision(driver):
    """what the page shows: status, each field's cell (its value and its text), each finding, the error line"""
    status = driver.find_element(By.ID, "status")
    cells = {}
    for td in driver.find_elements(By.CSS_SELECTOR, "#decision-table td[data-field]"):
        cells[td.get_attribute("data-field")] = (td.get_attribute("data-value"), td.text)
    findings = []
    for li in driver.find_elements(By.CSS_SELECTOR, "#findings li"):
        findings.append({"clause": li.get_attribute("data-clause"), "kind": li.get_attribute("data-kind"),
                         "clause_text": li.find_element(By.CSS_SELECTOR, ".clause").text,
                         "message_text": li.find_element(By.CSS_SELECTOR, ".message").text})
    error = driver.find_element(By.ID, "record-error")
    return {"status": status.get_attribute("data-value"), "status_text": status.text, "cells": cells,
            "findings": findings, "error": error.text if error.is_displayed() else None}


def explanation(driver):
    """open the explanation (the page's own button) and return its lines"""
    box = driver.find_element(By.ID, "explain-box")
    if not box.is_displayed():
        driver.find_element(By.ID, "toggle-explain").click()
        WebDriverWait(driver, 5).until(lambda d: box.is_displayed())
    return driver.find_element(By.ID, "explain").get_attribute("textContent").split("\n")
