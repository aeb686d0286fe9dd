import { readImageInfo } from "../../src/capture/image-info";

/** Downloads an image and reads its real format and pixel size from its header. */
export async function fetchImage(url: string) {
  const response = await fetch(url);
  const body = Buffer.from(await response.arrayBuffer());
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    bytes: body.length,
    info: response.ok ? readImageInfo(body) : null,
  };
}
