// The one SDK client: the console talks to the server only through the public API.
import PocketBase from "pocketbase";

export const pb = new PocketBase(window.location.origin);
