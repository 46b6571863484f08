"""News stories the web tests serve: a storm report, a council budget, and the page of the
storm as an outlet would publish it."""

from __future__ import annotations

from tests.support.newssite import NewsSite, article_html

STORM_TITLE = "Storm floods Westhaven as sea wall gives way"
STORM = [
    "A violent storm swept across the south coast on Friday night, flooding more than 200 homes "
    "in the town of Westhaven and forcing the evacuation of a care home near the harbour.",
    "Emergency services said the sea wall was breached shortly after midnight, when a spring "
    "tide coincided with winds gusting at more than 80 miles an hour. Residents described water "
    "rising knee-deep in their kitchens within minutes.",
    "The council leader, Martin Hale, said repairs to the sea wall would cost at least 3 million "
    "pounds and take several months, and that temporary flood barriers would be installed along "
    "the promenade next week.",
    "The Environment Agency had issued a severe flood warning on Thursday afternoon, but several "
    "residents said they had not received it because mobile signal in the old town is poor.",
]
BUDGET_TITLE = "City council approves budget with cuts to library hours"
BUDGET = [
    "The city council approved a 410 million pound budget on Wednesday evening after a "
    "five-hour debate, cutting opening hours at eleven branch libraries to close a shortfall.",
    "Councillors voted 31 to 24 in favour. Opposition members said the cuts would fall hardest "
    "on children and older residents who rely on libraries for internet access.",
    "The finance director, Priya Nair, told the meeting that energy costs had risen by a third "
    "in two years and that the council had no choice but to reduce spending on buildings.",
]


def storm_page(site: NewsSite, path: str = "/news/storm.html", **meta: str) -> str:
    fields = {
        "outlet": "The Coast Herald",
        "author": "Jane Doe",
        "published": "2024-05-03T08:00:00Z",
        "canonical": site.url("/news/storm.html"),
    }
    fields.update(meta)
    return site.serve(path, article_html(STORM_TITLE, STORM, **fields))
