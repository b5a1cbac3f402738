"""The web app (``talkcure serve``): a person's chat, questionnaires and data; a
clinician's view of the people assigned to them; account administration; a JSON
API for all of it. Needs the ``web`` extra. See :mod:`talkcure.web.app`."""
