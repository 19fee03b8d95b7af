"""main.py: attributes for a page that sets them on <invoice-portal> itself."""

from typing import Annotated

from fastapi import Depends, FastAPI

from portal_hash import portal_attributes

app = FastAPI()


def current_email() -> str:
    raise NotImplementedError("return the logged-in user's email from your session")


@app.get("/portal-attributes")
def portal(email: Annotated[str, Depends(current_email)]) -> dict[str, str]:
    # The page sets each as an attribute of the element, and asks again on hash_expired.
    return portal_attributes(email)
