"""A FastAPI app as users write one, for the framework matrix: served by uvicorn.

The view answers with the id of the process that served it; tests break on the ``breakpoint-here`` line.
"""

import os

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

app = FastAPI()


@app.get("/", response_class=PlainTextResponse)
async def hello(name: str = "world"):
    greeting = f"Hello, {name}!"
    return f"{greeting} (pid {os.getpid()})"  # breakpoint-here
