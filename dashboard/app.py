"""budget-audit dashboard entry point: routes to the pages, inside one error boundary."""

# Pre-import heavy libraries before any page runs: plotly peeks at a half-imported pandas
# when two sessions start at once (plotly/plotly.py#2433).
import pandas  # noqa: F401
import plotly.express  # noqa: F401
import polars  # noqa: F401
import pyarrow  # noqa: F401
import streamlit as st

from dashboard import chrome
from dashboard.failure import run_page
from dashboard.review_widgets import require_sign_in

st.set_page_config(page_title="预算绩效审核看板", layout="wide")
chrome.apply()
require_sign_in()  # only on a shared (non-loopback) address
page = st.navigation(
    [
        st.Page("views/overview.py", title="总览", default=True),
        st.Page("views/department.py", title="部门", url_path="department"),
        st.Page("views/flags.py", title="问题清单", url_path="flags"),
        st.Page("views/boilerplate.py", title="套话", url_path="boilerplate"),
        st.Page("views/documents.py", title="文档", url_path="documents"),
        st.Page("views/upload.py", title="上传", url_path="upload"),
    ]
)
run_page(page)
