import { useTranslation } from 'react-i18next';
import type { ErpDocument, NodeLike } from '../../lib/erp-documents';

/** Kingdee forms with a name a person knows them by. */
const KNOWN_FORMS = ['SAL_SaleOrder', 'SAL_OUTSTOCK', 'AR_receivable', 'IV_SALESIC', 'AR_RECEIVEBILL'] as const;
type KnownForm = (typeof KNOWN_FORMS)[number];

function isKnown(formId: string | null): formId is KnownForm {
  return formId !== null && (KNOWN_FORMS as readonly string[]).includes(formId);
}

/** The ERP documents a run created or reused: number, form (by name and id) and the step that wrote it. */
export function ErpDocumentList({ documents, nodes }: { documents: readonly ErpDocument[]; nodes: readonly NodeLike[] }) {
  const { t } = useTranslation('runs');
  const names = new Map(nodes.map((n) => [n.id, n.name ?? n.id]));
  if (documents.length === 0) return <p className="muted">{t('detail.noDocuments')}</p>;
  return (
    <ul className="documents" aria-label={t('detail.documents')}>
      {documents.map((doc) => (
        <li key={`${doc.formId ?? ''}:${doc.number}`} className="document" data-testid="erp-document" data-form={doc.formId ?? ''}>
          <span className="document-form">{isKnown(doc.formId) ? t(`forms.${doc.formId}`) : t('forms.unknown')}</span>
          <span className="document-number" data-testid="erp-number">
            {doc.number}
          </span>
          <span className="muted small">
            {doc.formId && <code>{doc.formId}</code>} · {names.get(doc.nodeId) ?? doc.nodeId}
            {doc.id && ` · FID ${doc.id}`}
          </span>
        </li>
      ))}
    </ul>
  );
}
