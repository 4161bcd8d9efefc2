import pytest

from tests.html import structure


@pytest.mark.django_db
def test_home_says_what_the_site_is_and_how_to_start(client):
    response = client.get("/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "grooming and sextortion" in text
    assert "Who it is for" in text
    assert "How to start" in text


@pytest.mark.django_db
def test_help_is_readable_without_an_account(client):
    response = client.get("/help/")
    assert response.status_code == 200
    assert "Get help now" in response.content.decode()


@pytest.mark.django_db
def test_help_shows_every_contact_exactly_with_working_links(client):
    page = structure(client.get("/help/"))
    text = client.get("/help/").content.decode()
    for exact in [
        "111",
        "105",
        "4282",
        "0508 638 723",
        "help@netsafe.org.nz",
        "netsafe.org.nz/report",
        "1737",
        "0800 376 633",
        "234",
        "Safe to talk — He pai ki te kōrero",
        "0800 044 334",
        "Text 4334",
        "support@safetotalk.nz",
        "Report Online Child Exploitation Material",
    ]:
        assert exact in text, exact
    hrefs = {attrs.get("href") for tag, attrs in page.tags if tag == "a"}
    assert {
        "tel:111",
        "tel:105",
        "sms:4282?body=Netsafe",
        "mailto:help@netsafe.org.nz",
        "tel:0508638723",
        "https://netsafe.org.nz/report",
        "tel:1737",
        "sms:1737",
        "tel:0800376633",
        "sms:234",
        "tel:0800044334",
        "sms:4334",
        "mailto:support@safetotalk.nz",
        "https://safetotalk.nz/",
        "https://www.dia.govt.nz/Digital-Safety-Report-Online-Child-Exploitation-Material",
    } <= hrefs


@pytest.mark.django_db
def test_help_lists_first_steps_for_a_child_being_threatened(client):
    text = client.get("/help/").content.decode()
    assert "If your child is being threatened right now" in text
    steps = ["Stay with your child", "call 111 now", "1737", "Stop sending images", "Do not pay", "Save the chat"]
    steps += ["photograph the screen with another device", "Block the profile", "Report to Police"]
    positions = [text.index(step) for step in steps]
    assert positions == sorted(positions), "the child's safety first, then the steps in order"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/help/"])
def test_pages_refuse_a_post(client, path):
    assert client.post(path).status_code == 405


@pytest.mark.django_db
def test_unknown_page_is_404(client):
    assert client.get("/no-such-page/").status_code == 404
