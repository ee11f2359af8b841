# SPDX-License-Identifier: Apache-2.0
"""Templates and request bodies the simulator's own tests share.  They are
written here rather than read from tests/data so that these tests pin the
simulator's behaviour whatever the shared fixture grows into."""

import copy

ORDER = {
    "id": "tpl_order", "name": "Order confirmation", "templateId": "order-confirmation",
    "key": "order-confirmation", "status": "approved", "category": "transactional",
    "variableSchema": {"customerName": {"type": "string"}, "orderId": {"type": "string"}},
    "content": {"push": {"title": "Thanks {{customerName}}", "body": "Order {{orderId}} is confirmed"}},
    "channelIds": ["in_app", "push"],
}
RESET = {   # no "key": its key is its templateId
    "id": "tpl_reset", "name": "Password reset", "templateId": "password-reset", "status": "approved",
    "variableSchema": {"code": {"type": "string"}, "link": {"type": "action"}},
    "content": {"push": {"title": "Reset", "body": "Code {{code}}: {{link}}"}},
    "channelIds": ["push", "email"],
}
DRAFT = {
    "id": "tpl_draft", "name": "Promo", "templateId": "promo-draft", "status": "draft",
    "variableSchema": {}, "content": {"push": {"title": "Promo", "body": "Soon"}}, "channelIds": ["push"],
}
ARCHIVED = dict(DRAFT, id="tpl_archived", name="Old notice", templateId="old-notice", status="archived")
ALERT = {
    "id": "tpl_alert", "name": "System alert", "templateId": "system-alert", "status": "approved",
    "content": {"push": {"title": "Alert", "body": "Something happened"}}, "channelIds": ["in_app"],
}
FILLER = [dict(ALERT, id="tpl_fill_%02d" % i, templateId="filler-%02d" % i, name="Filler %d" % i)
          for i in range(20)]
TEMPLATES = [ORDER, RESET, DRAFT, ARCHIVED, ALERT] + FILLER     # 25, to page through

SEED_BODY = {
    "template": {"key": "order-confirmation",
                 "variables": {"customerName": "Jane", "orderId": "ORD-12345"}},
    "targets": ["user-jane-123"],
    "mode": "realtime",
    "title": "Order Confirmed",
    "tag": "orders",
}


def seed(**changes):
    """The seed body with top-level fields replaced (None deletes one)."""
    body = copy.deepcopy(SEED_BODY)
    for name, value in changes.items():
        if value is None:
            body.pop(name, None)
        else:
            body[name] = value
    return body


def seed_template(**changes):
    """The seed body with fields of "template" replaced (None deletes one)."""
    body = copy.deepcopy(SEED_BODY)
    for name, value in changes.items():
        if value is None:
            body["template"].pop(name, None)
        else:
            body["template"][name] = value
    return body
