// http.file in a body object makes a multipart/form-data request.
import { check } from "k6";
import http from "k6/http";

export default function () {
  const res = http.post(`${__ENV.BASE_URL}/echo`, {
    note: "hi",
    upload: http.file("file body", "a.txt", "text/plain"),
  });
  const { contentType, body } = res.json();
  check(res, {
    "multipart content type": () => contentType.startsWith("multipart/form-data; boundary="),
    "field part": () => body.includes('Content-Disposition: form-data; name="note"\r\n\r\nhi\r\n'),
    "file part": () =>
      body.includes(
        'Content-Disposition: form-data; name="upload"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nfile body\r\n',
      ),
  });
}
