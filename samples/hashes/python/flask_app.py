"""app.py: the billing page; portal_hash.py sits next to it."""

from flask import Flask, g, render_template

from portal_hash import portal_attributes

app = Flask(__name__)


@app.get("/billing")
def billing() -> str:
    # g.user is the logged-in user, as in Flask's tutorial. billing.html:
    # <invoice-portal edge="https://billing.example.com"{{ portal|xmlattr }}></invoice-portal>
    return render_template("billing.html", portal=portal_attributes(g.user.email))
