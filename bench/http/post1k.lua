-- wrk script: POST /echo with a 1 KiB body.
wrk.method = "POST"
wrk.path = "/echo"
wrk.body = string.rep("a", 1024)
wrk.headers["Content-Type"] = "application/octet-stream"
