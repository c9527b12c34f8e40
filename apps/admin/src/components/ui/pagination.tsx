export function Pagination(props: { page: number; totalPages: number; total: number; onPage: (p: number) => void }) {
  if (props.totalPages <= 1) return <p className="muted small">{props.total} total</p>;
  return (
    <nav className="pagination" aria-label="Pagination">
      <button type="button" className="btn btn-small" disabled={props.page <= 1} onClick={() => props.onPage(props.page - 1)}>
        Previous
      </button>
      <span>
        Page {props.page} of {props.totalPages} ({props.total} total)
      </span>
      <button type="button" className="btn btn-small" disabled={props.page >= props.totalPages} onClick={() => props.onPage(props.page + 1)}>
        Next
      </button>
    </nav>
  );
}
