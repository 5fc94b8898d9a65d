import json
import os

# The endpoint list is a file of the workspace, read relative to the working directory.
with open("config/endpoints.json") as f:
    known = json.load(f)

url = os.environ["TARGET_URL"]
healthy = url in known["healthy"]
print(f"{url}: {'healthy' if healthy else 'NOT healthy'}")
print("OUTPUT: " + json.dumps({"url": url, "healthy": healthy}))
if not healthy:
    raise SystemExit(1)
