"""Open Badges 3.0 credentials beside the PDF certificate (docs/open-badges.md).

A certificate becomes a W3C Verifiable Credential signed with Ed25519 under the portal's
``did:web`` identity (Data Integrity proof, cryptosuite ``eddsa-rdfc-2022``); revocation is a
Bitstring Status List credential. Everything here works offline: the JSON-LD contexts are
bundled, and verification needs only the credential, the DID document and the status list.
"""
