/** What Allure needs beyond cucumber's `this.attach`: its runtime messages, and attachments of the whole run. */
import type { FabricWorld } from "./world.js";

/** allure-js-commons' ALLURE_RUNTIME_MESSAGE_CONTENT_TYPE: a runtime message allure-cucumberjs applies. */
export const ALLURE_MESSAGE = "application/vnd.allure.message+json";

/**
 * Attaches `content` to the scenario and as one of Allure's global attachments (the report's
 * Globals): what belongs to the whole run, attached from the first scenario's Before hook, since
 * cucumber 12's BeforeAll cannot attach.
 */
export function attachToRun(world: FabricWorld, name: string, content: string, contentType: string, extension: string): void {
  world.attach(content, { mediaType: contentType, fileName: `${name}${extension}` });
  const message = {
    type: "global_attachment_content",
    data: { name, content: Buffer.from(content).toString("base64"), encoding: "base64", contentType, fileExtension: extension },
  };
  world.attach(JSON.stringify(message), ALLURE_MESSAGE);
}
