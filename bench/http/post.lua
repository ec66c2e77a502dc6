-- POST /echo with a 1 KiB body; the server reads the whole body and answers with it.
wrk.method = "POST"
wrk.path = "/echo"
wrk.body = string.rep("0123456789abcdef", 64)
wrk.headers["Content-Type"] = "application/octet-stream"
