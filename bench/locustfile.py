"""The load scenario of bench/load.py: citizens browsing, council members working.

Run by ``bench/load.py``, which seeds the scaled demo data, prepares the
members' sessions and the pages they use (``LOAD_PLAN``, a JSON file), serves
the site with gunicorn and starts locust with this file. Two kinds of
simulated people, each from an address of their own (``X-Forwarded-For``, as
nginx sends it in production):

- **visitors**, not signed in: home, directory (pages, departments), council
  pages, news, agenda, a national forum topic, search;
- **members**, signed in to their council: private space, forum, topics (a
  random page), replies, files (folder, upload, download), site search,
  notifications, national forum topics.

Every answer is checked for what a person would see: the right status, no
detour through the login page, the text that proves the page is the one
asked for (the posted reply, the "added" message, the file's bytes). Anything
else counts as a failure, and bench/load.py fails when there is one.
"""

from __future__ import annotations

import http.cookiejar
import itertools
import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, task

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
THINK_TIME = [float(bound) for bound in os.environ.get("LOAD_THINK_TIME", "3,10").split(",")]
# "140/200": 140 of the 200 simulated people are members, the others visitors.
MEMBERS, PEOPLE = (int(part) for part in os.environ.get("LOAD_MEMBER_SHARE", "7/10").split("/"))
LOGIN_PATH = "/compte/login/"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SUBMISSION_KEY = re.compile(r'name="submission_key" value="([^"]+)"')
addresses = itertools.count(1)
member_slots = itertools.count()


# nginx terminates TLS in production; here locust speaks plain HTTP to
# gunicorn and says "https" in X-Forwarded-Proto, as nginx does. The site's
# cookies are Secure (``__Host-``): this client sends them back over this hop
# too. requests builds a new cookie jar for every request and every redirect,
# so the rule is changed for all jars of this process (a test client only).
http.cookiejar.DefaultCookiePolicy.return_ok_secure = lambda policy, cookie, request: True


class Person(HttpUser):
    abstract = True
    wait_time = between(*THINK_TIME)

    def on_start(self):
        number = next(addresses)
        self.client.headers.update(
            {
                "X-Forwarded-For": f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}",
                "X-Forwarded-Proto": "https",
                "Accept-Language": "fr",
            }
        )

    def page(self, url: str, name: str, *, expect: str = "", **kwargs):
        """GET ``url``; a failure unless it answers 200, on the page asked for
        (not the login page), containing ``expect``. Returns the response."""
        with self.client.get(url, name=name, catch_response=True, **kwargs) as response:
            self.check(response, expect)
        return response

    def post(self, url: str, name: str, *, referer: str, expect: str, **kwargs):
        headers = {"Referer": f"https://{self.host.split('://', 1)[1]}{referer}"}
        with self.client.post(
            url, name=name, headers=headers, catch_response=True, **kwargs
        ) as response:
            self.check(response, expect)
        return response

    @staticmethod
    def check(response, expect: str) -> None:
        if response.status_code != 200:
            response.failure(f"status {response.status_code}")
        elif LOGIN_PATH in response.url:
            response.failure("sent to the login page")
        elif expect and expect not in response.text:
            response.failure(f"{expect!r} not in the page")
        else:
            response.success()


class Visitor(Person):
    """A citizen on the public showcase, not signed in."""

    weight = PEOPLE - MEMBERS
    public = PLAN["public"]

    @task(3)
    def home(self):
        self.page("/", "home", expect="Conseils citoyens")

    @task(3)
    def directory(self):
        if random.random() < 0.5:
            query = f"?page={random.randint(1, self.public['directory_pages'])}"
        else:
            query = f"?department={random.choice(self.public['departments'])}"
        self.page(f"/conseils/{query}", "directory", expect="Conseil citoyen")

    @task(4)
    def council_page(self):
        council = random.choice(self.public["councils"])
        self.page(council["url"], "council page", expect=council["name"])

    @task(2)
    def news(self):
        self.page("/actualites/", "news list", expect="Actualités")

    @task(2)
    def news_article(self):
        article = random.choice(self.public["articles"])
        self.page(article["url"], "news article", expect=article["title"])

    @task(1)
    def agenda(self):
        self.page("/agenda/", "agenda", expect="Agenda")

    @task(2)
    def national_topic(self):
        topic = random.choice(self.public["topics"])
        self.page(topic["url"], "national topic", expect=topic["title"])

    @task(2)
    def search(self):
        word = random.choice(self.public["search_words"])
        self.page(f"/recherche/?q={word}", "search", expect=word)


class Member(Person):
    """A council member, signed in, working in their council's private space."""

    weight = MEMBERS

    def on_start(self):
        super().on_start()
        self.me = PLAN["members"][next(member_slots) % len(PLAN["members"])]
        self.client.cookies.set(
            PLAN["session_cookie"],
            self.me["session"],
            domain=self.host.split("://", 1)[1].split(":")[0],
        )
        self.uploads = 0

    @task(1)
    def home(self):
        self.page("/", "home", expect=self.me["name"])

    @task(3)
    def private_space(self):
        self.page(self.me["space"], "private space", expect=self.me["council"])

    @task(2)
    def council_forum(self):
        self.page(self.me["forum"], "council forum", expect=self.me["topics"][0]["title"])

    @task(5)
    def topic(self):
        topic = random.choice(self.me["topics"])
        page = random.randint(1, topic["pages"])
        self.page(f"{topic['url']}?page={page}", "council topic", expect=topic["title"])

    @task(2)
    def reply(self):
        topic = random.choice(self.me["topics"])
        form = self.page(topic["url"], "council topic", expect="csrfmiddlewaretoken")
        token, key = CSRF_FIELD.search(form.text), SUBMISSION_KEY.search(form.text)
        if not (token and key):
            return
        marker = f"réponse de charge {random.getrandbits(48):012x}"
        # One reply in three names a colleague, who gets an e-mail at once.
        greeting = f"@{self.me['colleague']} " if random.random() < 1 / 3 else ""
        body = (
            f"{greeting}Merci pour ce point. Pour la prochaine réunion, je propose d'en "
            f"parler avec les voisins de l'immeuble : {marker}."
        )
        self.post(
            topic["reply_url"],
            "post a reply",
            referer=topic["url"],
            expect=marker,
            data={
                "csrfmiddlewaretoken": token.group(1),
                "submission_key": key.group(1),
                "body": body,
            },
        )

    @task(2)
    def national_topic(self):
        topic = random.choice(PLAN["public"]["topics"])
        self.page(topic["url"], "national topic", expect=topic["title"])

    @task(3)
    def files(self):
        self.page(self.me["files"], "documents folder", expect=self.me["documents"][0]["name"])

    @task(2)
    def download(self):
        document = random.choice(self.me["documents"])
        with self.client.get(
            document["url"], name="download", catch_response=True, stream=False
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
            elif len(response.content) != document["size"]:
                response.failure(f"{len(response.content)} bytes, not {document['size']}")
            elif "attachment" not in response.headers.get("Content-Disposition", ""):
                response.failure("not sent as an attachment")
            else:
                response.success()

    @task(1)
    def upload(self):
        folder = self.page(self.me["files"], "documents folder", expect="csrfmiddlewaretoken")
        token = CSRF_FIELD.search(folder.text)
        if not token:
            return
        self.uploads += 1
        kind, content = random.choice(UPLOADS)
        name = f"compte-rendu-{self.me['slot']}-{random.getrandbits(32):08x}.{kind}"
        self.post(
            self.me["upload"],
            "upload a file",
            referer=self.me["files"],
            expect=f"«\u00a0{name}\u00a0» ajouté",
            data={"csrfmiddlewaretoken": token.group(1)},
            files={"files": (name, content)},
        )

    @task(2)
    def search(self):
        word = random.choice(self.me["search_words"])
        self.page(f"/recherche/?q={word}", "search", expect=word)

    @task(1)
    def notifications(self):
        self.page("/notifications/", "notifications", expect="Notifications")


def _pdf(size: int) -> bytes:
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    return head + random.Random(size).randbytes(size - len(head))


def _minutes(size: int) -> bytes:
    line = "Compte rendu de la réunion du conseil citoyen : propreté, éclairage, fête.\n"
    return (line * (size // len(line) + 1)).encode()[:size]


# What members send: a scanned report (PDF) or typed minutes (text).
UPLOADS = [("pdf", _pdf(180_000)), ("txt", _minutes(6_000))]
