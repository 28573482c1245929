import { sql, type Kysely } from 'kysely';

/**
 * The first schema. CHECK constraints mirror the limits in @taskboard/schema as they were when
 * this migration was written (a migration is a record and never changes); a test asserts that
 * the database still enforces the current LIMITS, so a changed limit needs a new migration.
 */
const statements = [
  `create extension if not exists pg_trgm`,

  `create table users (
    id uuid primary key default gen_random_uuid(),
    email text not null check (char_length(email) between 3 and 254 and email = lower(email)),
    name text not null check (char_length(name) between 1 and 100),
    role text not null default 'user' check (role in ('user', 'admin')),
    password_hash text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    last_login_at timestamptz
  )`,
  `create unique index users_email_key on users (email)`,

  `create table sessions (
    id text primary key check (char_length(id) = 64),
    user_id uuid not null references users (id) on delete cascade,
    created_at timestamptz not null,
    last_seen_at timestamptz not null,
    expires_at timestamptz not null,
    absolute_expires_at timestamptz not null,
    user_agent text check (char_length(user_agent) <= 512)
  )`,
  `create index sessions_user_id_idx on sessions (user_id)`,
  `create index sessions_expires_at_idx on sessions (expires_at)`,

  `create table projects (
    id uuid primary key default gen_random_uuid(),
    name text not null check (char_length(name) between 1 and 100),
    description text not null default '' check (char_length(description) <= 1000),
    status text not null default 'active' check (status in ('active', 'archived')),
    owner_id uuid not null references users (id),
    inbox_of uuid unique references users (id) on delete cascade,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `create index projects_owner_id_idx on projects (owner_id)`,

  `create table project_members (
    project_id uuid not null references projects (id) on delete cascade,
    user_id uuid not null references users (id) on delete cascade,
    role text not null check (role in ('owner', 'editor', 'viewer')),
    created_at timestamptz not null default now(),
    primary key (project_id, user_id)
  )`,
  `create index project_members_user_id_idx on project_members (user_id)`,

  // position is compared byte-wise (collate "C"): fractional-index keys sort in ASCII order.
  `create table tasks (
    id uuid primary key default gen_random_uuid(),
    project_id uuid not null references projects (id) on delete cascade,
    title text not null check (char_length(title) between 1 and 200 and title = btrim(title)),
    description text not null default '' check (char_length(description) <= 1000),
    status text not null default 'todo' check (status in ('todo', 'in-progress', 'done')),
    status_rank smallint not null generated always as (
      case status when 'todo' then 0 when 'in-progress' then 1 else 2 end
    ) stored,
    priority text not null default 'medium' check (priority in ('low', 'medium', 'high')),
    priority_rank smallint not null generated always as (
      case priority when 'low' then 0 when 'medium' then 1 else 2 end
    ) stored,
    assignee_id uuid references users (id) on delete set null,
    due_date timestamptz,
    position text collate "C" not null check (position <> ''),
    version integer not null default 1 check (version >= 1),
    created_by_id uuid references users (id) on delete set null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  // The board (a column in order, keyset paged) and the default list sort, in one index.
  `create index tasks_board_idx on tasks (project_id, status_rank, position, id)`,
  `create index tasks_created_at_idx on tasks (project_id, created_at, id)`,
  `create index tasks_due_date_idx on tasks (project_id, due_date, id) where due_date is not null`,
  `create index tasks_priority_idx on tasks (project_id, priority_rank, id)`,
  `create index tasks_assignee_idx on tasks (assignee_id, status) where assignee_id is not null`,
  `create index tasks_title_trgm_idx on tasks using gin (title gin_trgm_ops)`,
  `create index tasks_description_trgm_idx on tasks using gin (description gin_trgm_ops)`,

  // Column counts kept by statement-level triggers, so a board's counts cost the same for 100
  // tasks as for 100,000, and a bulk insert updates each counter once per statement.
  `create table project_task_counts (
    project_id uuid not null references projects (id) on delete cascade,
    status text not null,
    count bigint not null default 0 check (count >= 0),
    primary key (project_id, status)
  )`,
  // A loss is applied as an UPDATE, not an upsert: PostgreSQL checks an upsert's proposed row
  // (count >= 0) before it finds the conflict. Deltas go in key order so two statements that
  // touch the same counters lock them in the same order and cannot deadlock.
  `create function project_task_counts_apply() returns trigger language plpgsql as $$
  declare
    delta record;
  begin
    if tg_op = 'INSERT' then
      insert into project_task_counts as c (project_id, status, count)
      select project_id, status, count(*) from new_rows group by 1, 2
      on conflict (project_id, status) do update set count = c.count + excluded.count;
    elsif tg_op = 'DELETE' then
      update project_task_counts c set count = c.count - d.n
      from (select project_id, status, count(*) as n from old_rows group by 1, 2) d
      where c.project_id = d.project_id and c.status = d.status;
    else
      -- Only status changes move a count; an edit of the title touches no counter row.
      for delta in
        select project_id, status, sum(n) as n from (
          select project_id, status, -1 as n from old_rows
          union all
          select project_id, status, 1 as n from new_rows
        ) d group by 1, 2 having sum(n) <> 0 order by 1, 2
      loop
        if delta.n > 0 then
          insert into project_task_counts as c (project_id, status, count)
          values (delta.project_id, delta.status, delta.n)
          on conflict (project_id, status) do update set count = c.count + delta.n;
        else
          update project_task_counts c set count = c.count + delta.n
          where c.project_id = delta.project_id and c.status = delta.status;
        end if;
      end loop;
    end if;
    return null;
  end $$`,
  `create trigger tasks_count_insert after insert on tasks
    referencing new table as new_rows
    for each statement execute function project_task_counts_apply()`,
  `create trigger tasks_count_update after update on tasks
    referencing old table as old_rows new table as new_rows
    for each statement execute function project_task_counts_apply()`,
  `create trigger tasks_count_delete after delete on tasks
    referencing old table as old_rows
    for each statement execute function project_task_counts_apply()`,

  `create table project_events (
    id bigint generated always as identity primary key,
    project_id uuid not null references projects (id) on delete cascade,
    type text not null check (type in (
      'task.created', 'task.updated', 'task.moved', 'task.deleted',
      'member.added', 'member.updated', 'member.removed',
      'project.updated', 'project.deleted'
    )),
    actor_id uuid references users (id) on delete set null,
    recipient_id uuid references users (id) on delete set null,
    -- The previous event of the same project / recipient: lets subscribers detect a gap.
    previous_id bigint,
    previous_recipient_event_id bigint,
    payload jsonb not null,
    created_at timestamptz not null default now()
  )`,
  `create index project_events_project_idx on project_events (project_id, id)`,
  `create index project_events_recipient_idx on project_events (recipient_id, id)
    where recipient_id is not null`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) {
    await sql.raw(statement).execute(db);
  }
}
