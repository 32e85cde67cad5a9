// PostGraphile 5 as the benchmark's peer (see bench/postgraphile.py, which copies this file next
// to the packages it installs and runs it with Node 22). It connects as the office's own role
// (bench/peer_access.py: column GRANTs and row-level security derived from the policy) and serves
// the `public` schema only, in production mode: no GraphiQL, no explain, no schema watching.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";

export default {
  extends: [PostGraphileAmberPreset],
  // Order by any column, not only indexed ones: the page lists a worker's placements newest first,
  // as the registry does.
  disablePlugins: ["PgIndexBehaviorsPlugin"],
  pgServices: [
    makePgService({
      connectionString: process.env.PEER_DATABASE_URL,
      schemas: ["public"],
    }),
  ],
  grafserv: {
    host: "127.0.0.1",
    port: Number(process.env.PEER_PORT),
    graphiql: false,
    watch: false,
  },
  grafast: { explain: false },
};
