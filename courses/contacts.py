"""The help contacts, exactly as the course and the "Get help now" page give them.

One list, so the help page, the lessons' checks and the family plan never disagree.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Way:
    """One way to reach a service: what a person sees, and the link that does it."""

    label: str
    href: str


@dataclass(frozen=True)
class Contact:
    name: str
    when: str
    ways: tuple[Way, ...]
    note: str = ""


HELP_CONTACTS = (
    Contact(
        name=_("Police — emergency"),
        when=_("A child is in danger right now, or a crime is happening."),
        ways=(Way(_("Call 111"), "tel:111"),),
    ),
    Contact(
        name=_("Police — not an emergency"),
        when=_("To report sextortion, grooming or other online offending that is not urgent."),
        ways=(
            Way(_("Call 105"), "tel:105"),
            Way(_("105 online form at 105.police.govt.nz"), "https://105.police.govt.nz/"),
        ),
    ),
    Contact(
        name=_("Netsafe"),
        when=_("Free, confidential, non-judgemental help with any online safety problem."),
        ways=(
            Way(_("Text ‘Netsafe’ to 4282"), "sms:4282?body=Netsafe"),
            Way(_("Email help@netsafe.org.nz"), "mailto:help@netsafe.org.nz"),
            Way(_("Call 0508 NETSAFE (0508 638 723), toll free"), "tel:0508638723"),
            Way(_("Online report form at netsafe.org.nz/report"), "https://netsafe.org.nz/report"),
        ),
        note=_("The helpline is open 8am–8pm Monday to Friday and 9am–5pm on weekends."),
    ),
    Contact(
        name=_("Take It Down"),
        when=_(
            "To get nude or sexual images of a young person, taken when they were under 18, removed "
            "from the internet. Run by the US National Center for Missing & Exploited Children."
        ),
        ways=(Way(_("takeitdown.ncmec.org"), "https://takeitdown.ncmec.org/"),),
        note=_("It makes a digital fingerprint of the image on your own device; the image itself is not uploaded."),
    ),
    Contact(
        name=_("StopNCII"),
        when=_("The same kind of help for images of adults."),
        ways=(Way(_("stopncii.org"), "https://stopncii.org/"),),
        note=_("It makes a digital fingerprint of the image on your own device; the image itself is not uploaded."),
    ),
    Contact(
        name=_("1737 — Need to talk?"),
        when=_("Someone to talk to, for you or your child: trained counsellors, any time."),
        ways=(Way(_("Call 1737"), "tel:1737"), Way(_("Text 1737"), "sms:1737")),
        note=_("Free, 24 hours a day, 7 days a week."),
    ),
    Contact(
        name=_("Youthline"),
        when=_("Support for young people and their whānau."),
        ways=(Way(_("Call 0800 376 633"), "tel:0800376633"), Way(_("Free text 234"), "sms:234")),
    ),
    Contact(
        name=_("Safe to talk — He pai ki te kōrero"),
        when=_(
            "Sexual harm of any kind, at any age: for survivors, worried whānau, and people worried about "
            "their own behaviour. Free and confidential; you can stay anonymous."
        ),
        ways=(
            Way(_("Call 0800 044 334"), "tel:0800044334"),
            Way(_("Text 4334"), "sms:4334"),
            Way(_("Email support@safetotalk.nz"), "mailto:support@safetotalk.nz"),
            Way(_("Web chat at safetotalk.nz"), "https://safetotalk.nz/"),
        ),
        note=_("Open 24 hours a day, 7 days a week."),
    ),
    Contact(
        name=_("Department of Internal Affairs — Digital Child Exploitation team"),
        when=_(
            "To report child sexual abuse material you come across online, when it is not your own child’s "
            "situation (for that, call Police). Do not save, copy or share the material: note where you saw it."
        ),
        ways=(
            Way(
                _("Report Online Child Exploitation Material at dia.govt.nz"),
                "https://www.dia.govt.nz/Digital-Safety-Report-Online-Child-Exploitation-Material",
            ),
        ),
    ),
)

# First steps when a child is being threatened right now, from the Police advice for victims.
FIRST_STEPS = (
    _(
        "Stay with your child. Tell them there is a way through this and they are not in trouble: "
        "you are on their side."
    ),
    _(
        "Some young people who are being sextorted think about hurting themselves. If you are worried about your "
        "child’s safety, call 111 now. Call or text 1737 any time to talk with a counsellor."
    ),
    _("Stop sending images or videos, even if the person makes threats."),
    _("Do not pay or do what they ask: it does not make them stop, and it can lead to more demands."),
    _(
        "Save the chat and take screenshots of messages, the profile and usernames. Where the app tells the "
        "sender about a screenshot (Snapchat does), photograph the screen with another device instead. "
        "Do not delete anything before you report."
    ),
    _("Never forward, save or share the images themselves."),
    _("Block the profile, and report it to the app or site. Ask them to remove the content."),
    _("Report to Police on 105 (or 111 if a child is in danger now), or to Netsafe."),
)
