# A CDN in front of the reference app, as Varnish 7 with varnish-modules' xkey.
# The app tags every cacheable response with its surrogate keys (`xkey: product-42 products`)
# and, on a write or POST /api/purge, sends `PURGE /` with `xkey-purge: <keys>` here
# (PERFGATE_APP_CDN_PURGE_URL). Objects live for the response's s-maxage.
# BACKEND_HOST and BACKEND_PORT are filled in by whoever starts varnishd (see the test).
vcl 4.1;

import xkey;

backend app {
  .host = "BACKEND_HOST";
  .port = "BACKEND_PORT";
}

acl purgers {
  "127.0.0.1";
  "::1";
}

sub vcl_recv {
  if (req.method == "PURGE") {
    if (client.ip !~ purgers) {
      return (synth(403, "purge not allowed from here"));
    }
    if (!req.http.xkey-purge) {
      return (synth(400, "xkey-purge header required"));
    }
    set req.http.purged = xkey.purge(req.http.xkey-purge);
    return (synth(200, "purged " + req.http.purged));
  }
  if (req.method != "GET" && req.method != "HEAD") {
    return (pass);
  }
}

sub vcl_deliver {
  if (obj.hits > 0) {
    set resp.http.x-cdn = "HIT";
  } else {
    set resp.http.x-cdn = "MISS";
  }
}
