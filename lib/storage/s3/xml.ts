/**
 * Just enough XML for S3's answers: the text of named elements and the blocks of repeated ones
 * (`<Contents>` of a listing, `<Upload>` of the multipart uploads). S3's answers are flat,
 * namespace-free in element names, and never nest an element in one of the same name.
 *
 * @module
 */

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/**
 * Decodes XML character and entity references.
 *
 * @param text Text of an element.
 * @returns The decoded text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeXmlText } from "./xml.ts";
 * assert.equal(decodeXmlText("a &amp; b &lt;&#233;&#x41;&gt;"), "a & b <éA>");
 * ```
 */
export function decodeXmlText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (all, ref: string) => {
    if (ref.startsWith("#x")) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith("#")) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return ENTITIES[ref] ?? all;
  });
}

/**
 * Encodes text for an XML element.
 *
 * @param text Any text.
 * @returns Text safe between tags.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeXmlText } from "./xml.ts";
 * assert.equal(encodeXmlText('"a" <&>'), "&quot;a&quot; &lt;&amp;&gt;");
 * ```
 */
export function encodeXmlText(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => `&${Object.keys(ENTITIES).find((k) => ENTITIES[k] === c)};`,
  );
}

/**
 * The inner XML of every `<name>` element, in order.
 *
 * @param xml A document or block.
 * @param name The element name.
 * @returns The raw inner XML of each.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { xmlBlocks } from "./xml.ts";
 * assert.deepEqual(xmlBlocks("<R><C><K>a</K></C><C><K>b</K></C></R>", "C"), ["<K>a</K>", "<K>b</K>"]);
 * ```
 */
export function xmlBlocks(xml: string, name: string): string[] {
  const pattern = new RegExp(
    `<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>|<${name}(?:\\s[^>]*)?/>`,
    "g",
  );
  return [...xml.matchAll(pattern)].map((m) => m[1] ?? "");
}

/**
 * The decoded text of the first `<name>` element.
 *
 * @param xml A document or block.
 * @param name The element name.
 * @returns Its text, or undefined when there is none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { xmlText } from "./xml.ts";
 * const xml = "<Error><Code>NoSuchKey</Code><Message>The key &apos;x&apos; is missing</Message></Error>";
 * assert.equal(xmlText(xml, "Code"), "NoSuchKey");
 * assert.equal(xmlText(xml, "Message"), "The key 'x' is missing");
 * assert.equal(xmlText(xml, "Resource"), undefined);
 * ```
 */
export function xmlText(xml: string, name: string): string | undefined {
  const block = xmlBlocks(xml, name)[0];
  return block === undefined ? undefined : decodeXmlText(block.replace(/^<!\[CDATA\[|\]\]>$/g, ""));
}
