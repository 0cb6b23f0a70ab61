// What a TypeScript integrator writes against the types openapi-typescript generates from
// openapi/openapi.json. scripts/clients.sh generates them into target/clients/ts/schema.d.ts (not
// committed) and type-checks this file with `tsc --strict --noEmit`; nothing here runs. It stops
// compiling when the document stops describing what such code relies on: the list envelope and its
// items, the two views of a referral told apart by `view`, and the problem documents of errors.
// The `@ts-expect-error` lines are part of the check: each must be an error, so types that decayed
// to `any` or `unknown` fail it too.
import type { components, operations } from "../../target/clients/ts/schema";

type Schemas = components["schemas"];
export type Organisation = Schemas["Organisation"];
export type OrganisationPage = Schemas["Paginated_Organisation"];
export type ReferralView = Schemas["ReferralView"];
export type ReferralPage = Schemas["Paginated_ReferralView"];
export type Problem = Schemas["Problem"];

// --- Compile-time equalities -------------------------------------------------------------------
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertTrue<T extends true>(): T | void {}

type Ok<Op extends keyof operations> = operations[Op]["responses"] extends {
    200: { content: { "application/json": infer Body } };
}
    ? Body
    : never;
type OrganisationQuery = NonNullable<operations["list_organisations"]["parameters"]["query"]>;

// The list operations answer their page envelopes, whose items are the resources themselves.
assertTrue<Equal<Ok<"list_organisations">, OrganisationPage>>();
assertTrue<Equal<OrganisationPage["items"][number], Organisation>>();
assertTrue<Equal<Ok<"list_referrals">, ReferralPage>>();
assertTrue<Equal<ReferralPage["items"][number], ReferralView>>();
assertTrue<Equal<Ok<"get_referral">, ReferralView>>();
// Errors are problem documents.
assertTrue<Equal<operations["get_referral"]["responses"][404]["content"]["application/problem+json"], Problem>>();
// The discriminator has exactly the two views.
assertTrue<Equal<ReferralView["view"], "centre" | "referrer">>();

// --- A problem document as an exception -------------------------------------------------------
export class ProblemError extends Error {
    constructor(readonly problem: Problem) {
        super(`${problem.status} ${problem.title}${problem.detail ? `: ${problem.detail}` : ""}`);
    }

    /** One line per invalid field of a validation problem. */
    fieldErrors(): string[] {
        return (this.problem.errors ?? []).map((e) => `${e.field} (${e.code}): ${e.message}`);
    }
}

function isProblem(body: unknown): body is Problem {
    return typeof body === "object" && body !== null && "type" in body && "title" in body && "status" in body;
}

// @ts-expect-error a problem's status is a number, not a string
const badProblem: Problem = { type: "urn:samhandling:problem:not-found", title: "Not found", status: "404" };
void badProblem;

// --- Every organisation, page after page ------------------------------------------------------
async function getJson<T>(base: string, token: string, path: string, query: Record<string, string | number>): Promise<T> {
    const url = new URL(path, base);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, String(value));
    const response = await fetch(url, { headers: { Authorization: `Bearer ${token}`, Accept: "application/json" } });
    const body: unknown = await response.json();
    if (!response.ok) {
        throw isProblem(body) ? new ProblemError(body) : new Error(`${response.status} without a problem document`);
    }
    return body as T;
}

export async function allOrganisations(base: string, token: string, query: OrganisationQuery = {}): Promise<Organisation[]> {
    const organisations: Organisation[] = [];
    let cursor: string | undefined;
    do {
        const page: OrganisationPage = await getJson<OrganisationPage>(base, token, "/api/v1/organisations", {
            ...query,
            limit: query.limit ?? 200,
            ...(cursor ? { cursor } : {}),
        });
        organisations.push(...page.items);
        cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return organisations;
}

export async function centres(base: string, token: string): Promise<Map<string, string>> {
    const found = await allOrganisations(base, token, { kind: "self_help_centre" });
    return new Map(found.map((o) => [o.id, o.name] as const));
}

// @ts-expect-error "hospital" is not an organisation kind
const badQuery: OrganisationQuery = { kind: "hospital" };
void badQuery;

// --- A referral, narrowed by its view ---------------------------------------------------------
export function describe(referral: ReferralView): string {
    switch (referral.view) {
        case "centre": {
            // The target centre's view: the detailed status and, outside lists, the person.
            const who = referral.person ? ` for ${referral.person.given_name} ${referral.person.family_name}` : "";
            return `${referral.reference} (${referral.offer}) is ${referral.status}${who}`;
        }
        case "referrer": {
            // @ts-expect-error the referrer's view never carries the person
            void referral.person;
            // The detailed status only while the person consents to feedback; the coarse one always.
            const status = referral.feedback_consent && referral.status ? referral.status : referral.coarse_status;
            return `${referral.reference} (${referral.offer}) is ${status}`;
        }
        default: {
            const unknownView: never = referral;
            return unknownView;
        }
    }
}

export function movable(page: ReferralPage): string[] {
    return page.items.filter((r) => r.allowed_transitions.length > 0).map(describe);
}

// @ts-expect-error the centre's view has a detailed status, not a coarse one
const wrongView: ReferralView = { view: "centre", coarse_status: "received" };
void wrongView;

// --- A group, narrowed by its view ------------------------------------------------------------
export type GroupView = Schemas["GroupView"];
export type Suggestions = Schemas["Suggestions"];
export type GroupStatistics = Schemas["GroupStatistics"];
assertTrue<Equal<Ok<"get_group">, GroupView>>();
assertTrue<Equal<GroupView["view"], "centre" | "catalogue">>();
assertTrue<Equal<Ok<"suggested_groups">, Suggestions>>();

export function seats(group: GroupView): string {
    switch (group.view) {
        case "centre":
            // The running centre sees its members counted, and what it may move the group to.
            return `${group.title}: ${group.member_count} of ${group.max_members}, ${group.status} → ${group.allowed_transitions.join("/")}`;
        case "catalogue": {
            // @ts-expect-error the catalogue never counts a group's members
            void group.member_count;
            return `${group.title} (${group.theme}) on ${group.schedule.weekday}s at ${group.schedule.start_time}`;
        }
        default: {
            const unknownView: never = group;
            return unknownView;
        }
    }
}

/** The best group for a person, and why: which criteria it meets and which it does not. */
export function best(suggestions: Suggestions): string | undefined {
    const first = suggestions.items[0];
    if (!first) return undefined;
    return `${seats(first.group)}: meets ${first.fit.met.join(", ")}; not ${first.fit.not_met.join(", ")}`;
}

/** A published cell as a person reads it: the count, `<5`, or `x`. */
export function cells(statistics: GroupStatistics): string[][] {
    return statistics.table.rows.map((row) => [row.label, ...row.cells.map((cell) => cell.shown), row.total.shown]);
}

// @ts-expect-error "crowded" is not a match criterion
const badCriterion: Suggestions["items"][number]["fit"]["met"][number] = "crowded";
void badCriterion;
