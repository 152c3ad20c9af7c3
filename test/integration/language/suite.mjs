// The language suite runs on a copy of a site-config made from the shared examples plus one file per seeded
// mistake (test/fixtures/language/site-config/manifests/seeded-*.yaml). Repo-relative, copied per run.
export const workspace = 'test/fixtures/language';
