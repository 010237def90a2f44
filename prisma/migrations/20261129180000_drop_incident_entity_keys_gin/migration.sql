-- Situation linking no longer reads incidents through "entityKeys" (issue 15): it reads the live
-- incidents of the company by ("companyId", status, "lastSeenAt") and matches their keys in a
-- hashed semi-join (packages/correlation/src/store/situation-links.ts). No statement of the app
-- uses this GIN index any more, and every insert and non-HOT update of an incident (each turn
-- updates most of the incidents it touches) wrote each of the row's entity keys into it again,
-- with pending-list cleanups inside the turn's statements.
DROP INDEX IF EXISTS "Incident_entityKeys_idx";
